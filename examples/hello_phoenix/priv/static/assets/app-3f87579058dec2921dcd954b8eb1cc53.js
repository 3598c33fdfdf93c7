// hello_phoenix app.js
console.log("hello");
