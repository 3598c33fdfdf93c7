import { parseDeployConfig } from '../../../src/core/config/load';

/** A deploy.yml with one environment holding the given lines (indented under it), as line 6 onwards. */
export function yml(lines: string): string {
  return `app: shop
environments:
  production:
    deploy_to: /opt/shop
    hosts: [web1.example.com]
${lines.split('\n').map((l) => `    ${l}`).join('\n')}
`;
}

/** Its findings as `line: message`. */
export function errors(text: string): string[] {
  return parseDeployConfig(text).findings.map((f) => `${f.line}: ${f.message}`);
}
