"""`python scripts/check_integrity.py FILE sha512-BASE64`: exit 1 unless FILE has that SRI digest (npm's `dist.integrity`)."""

import base64
import hashlib
import sys


def main(path: str, expected: str) -> int:
    algorithm, _, digest = expected.partition("-")
    with open(path, "rb") as handle:
        actual = base64.b64encode(hashlib.new(algorithm, handle.read()).digest()).decode()
    if actual != digest:
        print(f"{path}: integrity {algorithm}-{actual} is not the pinned {expected}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
