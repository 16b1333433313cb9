#!/usr/bin/python3
"""Shows that event_catalogue.py finds the events, records when each element appeared, and catches drift."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "event_catalogue.py")
COMMON = os.path.join(os.path.dirname(os.path.dirname(HERE)), "proto", "sfa", "common", "v1")
PROTOC = os.environ.get("PROTOC", "protoc")

EVENTS = """syntax = "proto3";

// The demo service's events.
//
// Streams (EventEnvelope.aggregate_type -> events):
//   deal   DealOpened, DealClosed
//   rate   RateSet (one stream per tenant, id "default")
package sfa.demo.v1;

import "sfa/common/v1/money.proto";

// ---------------------------------------------------------------------------------------------------
// Deals: the ones a buyer cares about.

// A deal was opened. Nothing is owed yet.
message DealOpened {
  string deal_id = 1;
  // What it is worth.
  sfa.common.v1.Money amount = 2;
  repeated Line lines = 3;
}

// A helper type: used by DealOpened, so not an event.
message Line {
  string sku = 1;
  Kind kind = 2;
}

enum Kind {
  KIND_UNSPECIFIED = 0;
  // Goods <shipped>.
  KIND_GOODS = 1;
}

message DealClosed {
  string deal_id = 1;
}

message RateSet {
  int32 percent_bp = 1;
}
"""


class EventCatalogueTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.root = os.path.join(self.dir, "proto")
        os.makedirs(os.path.join(self.root, "sfa/demo/v1"))
        shutil.copytree(COMMON, os.path.join(self.root, "sfa/common/v1"))
        self.since = os.path.join(self.dir, "since.txt")
        self.out = os.path.join(self.root, "EVENTS.md")
        self.write(EVENTS)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, text):
        with open(os.path.join(self.root, "sfa/demo/v1/demo_events.proto"), "w") as f:
            f.write(text)

    def run_generator(self, *extra, day=1):
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(1767225600 + (day - 1) * 86400))  # 2026-01-<day>
        return subprocess.run([sys.executable, GENERATOR, "--protoc", PROTOC, "--proto-root", self.root,
                               "--since", self.since, "--out", self.out, *extra],
                              capture_output=True, text=True, env=env)

    def catalogue(self):
        with open(self.out) as f:
            return f.read()

    def test_events_keys_meanings_and_types(self):
        r = self.run_generator()
        self.assertEqual(r.returncode, 0, r.stderr)
        md = self.catalogue()
        self.assertIn("**Catalogue revision 1** (2026-01-01)", md)
        self.assertIn("| [`sfa.demo.v1.DealOpened`](#sfademov1dealopened) | `sfa.demo.events.v1` | `deal` id | 1 "
                      "| A deal was opened. |", md)
        self.assertIn("| [`sfa.demo.v1.RateSet`](#sfademov1rateset) | `sfa.demo.events.v1` | `rate` id | 1 |", md)
        self.assertNotIn("#### `sfa.demo.v1.Line`", md)  # a helper type is catalogued as a type, not an event
        self.assertIn("### `sfa.demo.v1.Line`", md)
        self.assertIn("### Deals\n\nThe ones a buyer cares about.", md)
        self.assertIn("| 2 | `amount` | [`sfa.common.v1.Money`](#sfacommonv1money) |  | What it is worth. |", md)
        self.assertIn("| 1 | `KIND_GOODS` |  | Goods &lt;shipped>. |", md)
        self.assertNotIn("Streams (", md)
        self.assertIn("*Not described in the proto.*", md)  # DealClosed has no comment

    def test_additions_become_the_next_revision_and_check_demands_them(self):
        self.assertEqual(self.run_generator().returncode, 0)
        self.assertEqual(self.run_generator("--check").returncode, 0)
        grown = EVENTS.replace("  string deal_id = 1;\n}\n\nmessage RateSet",
                               "  string deal_id = 1;\n  string reason = 2;\n}\n\nmessage RateSet")
        grown = grown.replace("DealOpened, DealClosed", "DealOpened, DealClosed, DealReopened")
        self.write(grown + "\n// The deal is open again.\nmessage DealReopened {\n  string deal_id = 1;\n}\n")

        r = self.run_generator("--check")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("sfa.demo.v1.DealClosed.reason", r.stderr)
        self.assertIn("sfa.demo.v1.DealReopened", r.stderr)
        self.assertIn("regenerate with:", r.stderr)

        r = self.run_generator(day=15)
        self.assertEqual(r.returncode, 0, r.stderr)
        md = self.catalogue()
        self.assertIn("**Catalogue revision 2** (2026-01-15)", md)
        self.assertIn("key: the `deal` id (`aggregate_type` \"deal\"); since revision 2.", md)  # DealReopened
        self.assertIn("| 2 | `reason` | `string` | r2 |  |", md)
        self.assertIn("| 1 | 2026-01-01 |", md)
        self.assertIn("| 2 | 2026-01-15 | events `sfa.demo.v1.DealReopened`; `sfa.demo.v1.DealClosed.reason`, "
                      "`sfa.demo.v1.DealReopened.deal_id` |", md)
        # Regenerating again changes nothing: the revision is recorded once.
        self.assertEqual(self.run_generator(day=20).returncode, 0)
        self.assertEqual(self.catalogue(), md)
        self.assertEqual(self.run_generator("--check").returncode, 0)

    def test_check_fails_on_a_hand_edited_catalogue(self):
        self.assertEqual(self.run_generator().returncode, 0)
        with open(self.out, "a") as f:
            f.write("hand-written line\n")
        r = self.run_generator("--check")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("-hand-written line", r.stdout)
        self.assertIn("is behind proto/; regenerate with: /usr/bin/python3 tools/event_catalogue/event_catalogue.py",
                      r.stderr)

    def test_streams_block_must_list_exactly_the_events(self):
        self.write(EVENTS.replace("DealOpened, DealClosed", "DealOpened, DealShipped"))
        r = self.run_generator()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("DealClosed is an event of sfa/demo/v1/demo_events.proto but not in its Streams block",
                      r.stderr)
        self.assertIn("lists DealShipped, which is not an event", r.stderr)


if __name__ == "__main__":
    unittest.main()
