import assert from 'node:assert/strict';
import { agreeAsFarAsSpecific, otpMajorForErts, pinDifference } from '../../../src/core/versions/compare';

describe('agreeAsFarAsSpecific', () => {
  it('compares only the digits both state', () => {
    assert.equal(agreeAsFarAsSpecific('26', '26.2.5'), true);
    assert.equal(agreeAsFarAsSpecific('26.2', '26.2.5'), true);
    assert.equal(agreeAsFarAsSpecific('26.2.5', '26.2.5.1'), true);
    assert.equal(agreeAsFarAsSpecific('26.2.5', '26.1.2'), false);
    assert.equal(agreeAsFarAsSpecific('25', '26.2.5'), false);
    assert.equal(agreeAsFarAsSpecific('1.16', '1.15.7'), false);
  });
  it('treats pre-releases of the same version as different', () => {
    assert.equal(agreeAsFarAsSpecific('1.17.0-rc.1', '1.17.0'), false);
    assert.equal(agreeAsFarAsSpecific('1.17.0-rc.1', '1.17'), true);
    assert.equal(agreeAsFarAsSpecific('1.17.0-rc.1', '1.17.0-rc.1'), true);
  });
  it('maps ERTS to OTP majors', () => {
    assert.equal(otpMajorForErts('13.1.5'), '25');
    assert.equal(otpMajorForErts('14.2.5'), '26');
    assert.equal(otpMajorForErts('15.0'), '27');
    assert.equal(otpMajorForErts('10.7'), undefined);
  });
});

describe('pinDifference', () => {
  it('treats a pin as exact: a longer or shorter exact version differs at the first missing part', () => {
    assert.equal(pinDifference('25.0', '25.0.4', false), 'patch');
    assert.equal(pinDifference('26.2.5', '26.2.5.1', false), 'patch');
    assert.equal(pinDifference('26.2.5', '26.2', false), 'patch');
    assert.equal(pinDifference('26.2.5', '26.2.5', false), 'none');
    assert.equal(pinDifference('26.2.5', '26.1.2', false), 'minor');
    assert.equal(pinDifference('25.3.2', '26.2.5', false), 'major');
  });
  it('lets only a floating tag be a prefix of the pin', () => {
    assert.equal(pinDifference('26.2.5', '26', true), 'none');
    assert.equal(pinDifference('26.2.5', '26.2', true), 'none');
    assert.equal(pinDifference('26.2.5', '25', true), 'major');
    assert.equal(pinDifference('25.0', '25.0.4', true), 'patch');
  });
  it('counts a pre-release of the same version as a patch-level difference', () => {
    assert.equal(pinDifference('1.17.0-rc.1', '1.17.0', false), 'patch');
    assert.equal(pinDifference('1.17.0-rc.1', '1.17.0-rc.1', false), 'none');
  });
});
