/**
 * Semantic-version built-ins: semver.is_valid and semver.compare. Versions follow SemVer 2.0.0
 * strictly (no leading zeroes in numeric parts, non-empty pre-release and build sections), and
 * precedence ignores build metadata. Like OPA, a leading `v` is accepted and the major, minor and
 * patch numbers must fit a signed 64-bit integer.
 */
import { BuiltinError, T, expectString, type Builtin } from './declaration.js';

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  /** The dot-separated pre-release identifiers; empty for a release. */
  preRelease: string[];
}

const NUMBER = '(0|[1-9][0-9]*)';
const PRE_RELEASE_IDENTIFIER = '(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)';
const BUILD_IDENTIFIER = '[0-9A-Za-z-]+';
const VERSION = new RegExp(
  `^v?${NUMBER}\\.${NUMBER}\\.${NUMBER}` +
    `(?:-(${PRE_RELEASE_IDENTIFIER}(?:\\.${PRE_RELEASE_IDENTIFIER})*))?` +
    `(?:\\+${BUILD_IDENTIFIER}(?:\\.${BUILD_IDENTIFIER})*)?$`,
);
const INT64_MAX = (1n << 63n) - 1n;

function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text);
  if (!match) return undefined;
  const [major, minor, patch] = [match[1], match[2], match[3]].map((part) => BigInt(part));
  if (major > INT64_MAX || minor > INT64_MAX || patch > INT64_MAX) return undefined;
  return { major, minor, patch, preRelease: match[4] === undefined ? [] : match[4].split('.') };
}

function compareIdentifiers(a: string, b: string): number {
  const aNumeric = /^[0-9]+$/.test(a);
  const bNumeric = /^[0-9]+$/.test(b);
  // Numeric identifiers have lower precedence than alphanumeric ones.
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  if (aNumeric) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SemVer 2.0.0 precedence: -1, 0 or 1. */
function compareVersions(a: Version, b: Version): number {
  for (const [x, y] of [[a.major, b.major], [a.minor, b.minor], [a.patch, b.patch]]) {
    if (x !== y) return x < y ? -1 : 1;
  }
  // A release ranks above any of its pre-releases.
  if (a.preRelease.length === 0 || b.preRelease.length === 0) {
    return a.preRelease.length === b.preRelease.length ? 0 : a.preRelease.length === 0 ? 1 : -1;
  }
  const shared = Math.min(a.preRelease.length, b.preRelease.length);
  for (let index = 0; index < shared; index++) {
    const order = compareIdentifiers(a.preRelease[index], b.preRelease[index]);
    if (order !== 0) return order;
  }
  return Math.sign(a.preRelease.length - b.preRelease.length);
}

function versionOperand(text: string, position: number): Version {
  const version = parseVersion(text);
  if (!version) throw new BuiltinError(`operand ${position}: string ${JSON.stringify(text)} is not a valid SemVer`);
  return version;
}

export const builtins: Builtin[] = [
  {
    name: 'semver.is_valid',
    params: [{ name: 'vsn', type: T.any, description: 'The value to check.' }],
    result: { name: 'result', type: T.boolean, description: 'True when `vsn` is a string holding a valid SemVer 2.0.0 version; false otherwise.' },
    description: 'Checks whether a value is a valid semantic version string.',
    categories: [],
    impl: (args) => typeof args[0] === 'string' && parseVersion(args[0]) !== undefined,
  },
  {
    name: 'semver.compare',
    params: [
      { name: 'a', type: T.string, description: 'The first version.' },
      { name: 'b', type: T.string, description: 'The second version.' },
    ],
    result: { name: 'result', type: T.number, description: '-1 when `a` ranks below `b`, 0 when they rank equal, 1 when `a` ranks above.' },
    description: 'Compares two semantic versions by SemVer 2.0.0 precedence; build metadata does not count.',
    categories: [],
    impl: (args) => {
      const a = expectString(args, 0);
      const b = expectString(args, 1);
      return compareVersions(versionOperand(a, 1), versionOperand(b, 2));
    },
  },
];
