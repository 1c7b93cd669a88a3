"""Runs the W3C Feed Validation Service's own code on feed files, offline.

Usage: w3c_validate.py VALIDATOR_SRC BASE_URL OUTPUT_FOLDER FILE...
VALIDATOR_SRC is the `src` folder of a checkout of github.com/w3c/feedvalidator (it is not on
PyPI, so the tests run this only when $HERALD_FEEDVALIDATOR names one). Each FILE, relative to
OUTPUT_FOLDER, is validated as if served at BASE_URL + FILE, so `rel=self` checks mean something.
Prints one JSON object: {file: {"errors": [...], "warnings": [...]}}.
"""

import json
import os
import sys

sys.path.insert(0, sys.argv[1])
import feedvalidator  # noqa: E402
from feedvalidator import logging  # noqa: E402


def describe(event):
    return "%s (line %s): %s" % (
        type(event).__name__,
        event.params.get("line", "?"),
        {k: v for k, v in event.params.items() if k not in ("line", "column", "backupline", "backupcolumn")},
    )


def main():
    base, folder, files = sys.argv[2], sys.argv[3], sys.argv[4:]
    report = {}
    for name in files:
        with open(os.path.join(folder, name), "rb") as handle:
            events = feedvalidator.validateString(handle.read(), firstOccurrenceOnly=1, base=base + name)[
                "loggedEvents"
            ]
        report[name] = {
            "errors": [describe(e) for e in events if isinstance(e, logging.Error)],
            "warnings": [describe(e) for e in events if isinstance(e, logging.Warning)],
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
