"""Children for tests/unit/test_child_process.py: python -m tests.unit.child_examples <what>."""

import json
import sys

if __name__ == "__main__":
    what = sys.argv[1]
    if what == "answer":
        print(json.dumps({"args": sys.argv[2:]}))
    elif what == "spin":
        while True:
            pass
    elif what == "hog":
        hoard = bytearray(2 * 1024 * 1024 * 1024)  # 2 GiB: over any limit the tests set
        print(json.dumps({"size": len(hoard)}))
    elif what == "silent":
        pass
