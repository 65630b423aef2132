#!/usr/bin/env python3
"""Self-test of compare_python.py against fake_tagger.py on Samples/Maildir.

Needs nothing outside the repository:  python3 Tests/reference/test_compare_python.py
"""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SAMPLES = os.path.join(REPO, "Samples", "Maildir")
FAKE = os.path.join(HERE, "fake_tagger.py")
COMPARE = os.path.join(HERE, "compare_python.py")
# A Samples message with a subject and two text/plain parts would do; this one is multipart/alternative.
VICTIM = sorted(f for f in os.listdir(os.path.join(SAMPLES, ".Lists", "cur")) if not f.startswith("."))[0]


def compare(fault=None, tagger=FAKE, batch=20, extra=()):
    env = dict(os.environ)
    env.pop("FAKE_TAGGER_FAULT", None)
    if fault:
        env["FAKE_TAGGER_FAULT"] = fault
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        proc = subprocess.run([sys.executable, COMPARE, "--tagger", tagger, "--report", report.name,
                               "--batch", str(batch), *extra, SAMPLES], capture_output=True, text=True, env=env)
        with open(report.name, encoding="utf-8") as f:
            lines = [line.rstrip("\n").split("\t") for line in f]
    return proc, lines


class CompareTests(unittest.TestCase):
    def test_python_against_itself_agrees_fully(self):
        proc, lines = compare()
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("agreement: 100.00%", proc.stdout)
        self.assertEqual(lines, [])

    def test_changed_subjects_are_disagreements(self):
        proc, lines = compare("subject")
        self.assertEqual(proc.returncode, 1)
        fields = {field for _, field, _ in lines}
        self.assertEqual(fields, {"subject"})
        self.assertGreaterEqual(len(lines), 90)
        self.assertIn("(changed)", lines[0][2])

    def test_python_decoding_failures_are_marked_when_strict(self):
        proc, lines = compare("cp1252", extra=("--min", "0", "--strict-undecodable"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertTrue(lines)
        self.assertTrue(all(detail.startswith("[python has U+FFFD]") for _, _, detail in lines))
        self.assertIn("%d of them agree only through the wildcard" % len(lines), proc.stdout)

    def test_undecodable_runs_match_one_to_k_characters_by_default(self):
        proc, lines = compare("cp1252")
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(lines, [])
        self.assertIn("agreement: 100.00%", proc.stdout)
        self.assertNotIn("strict 100.00%", proc.stdout)


class UnitTests(unittest.TestCase):
    def test_wildcard_still_checks_the_rest_of_the_text(self):
        import compare_python as cp
        self.assertTrue(cp.same_text("caf\ufffd\ufffd au lait", "café au lait", strict=False))
        self.assertFalse(cp.same_text("caf\ufffd\ufffd au lait", "café au lai", strict=False))
        self.assertFalse(cp.same_text("caf\ufffd au lait", "caf au lait", strict=False))
        self.assertFalse(cp.same_text("caf\ufffd au lait", "café au lait", strict=True))

    def test_from_is_compared_by_addresses(self):
        import compare_python as cp
        self.assertTrue(cp.same_from("bb@ddd.com", "bb@ddd.com (John X. Doe)"))
        self.assertTrue(cp.same_from('"joko@rs.jp"@FreeBSD.ORG', "joko@rs.jp@FreeBSD.ORG"))
        self.assertTrue(cp.same_from("S\ufffdbastien P <s@aol.com>", '"S\u00e9bastien P" <s@aol.com>'))
        self.assertFalse(cp.same_from("S\ufffdbastien P <s@aol.com>", '"S\u00e9bastien Q" <s@aol.com>'))
        self.assertTrue(cp.same_from("John Doe <J@d.com>", '"John Doe" <j@d.com>'))
        self.assertFalse(cp.same_from("John Doe <j@d.com>", "Jane Doe <j@d.com>"))
        self.assertFalse(cp.same_from("j@d.com", "k@d.com (j@d.com)"))

    def test_a_lost_part_is_reported_as_missing(self):
        proc, lines = compare("drop-part")
        self.assertEqual(proc.returncode, 1)
        self.assertTrue(lines)
        self.assertTrue(all(field.startswith("text[") and "missing in tagger" in detail
                            for _, field, detail in lines))

    def test_every_message_of_the_samples_is_compared(self):
        proc, _ = compare()
        self.assertIn("Maildir                       104", proc.stdout)

    def test_a_crash_is_isolated_to_its_file(self):
        proc, lines = compare("crash:" + VICTIM, batch=50, extra=("--max-tagger-failed", "1"))
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(len(lines), 1)
        path, field, detail = lines[0]
        self.assertTrue(path.endswith(VICTIM))
        self.assertEqual(field, "tagger-failed")
        self.assertIn("crashed", detail)
        self.assertIn("tagger on 1", proc.stdout)

    def test_a_refused_file_is_counted_apart_and_fails_by_default(self):
        proc, lines = compare("skip:" + VICTIM)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("agreement: 100.00%", proc.stdout)
        self.assertIn("tagger failed on 1 files", proc.stderr)
        self.assertEqual([(f, "not a message" in d) for _, f, d in lines], [("tagger-failed", True)])

    def test_a_tagger_that_reads_nothing_fails_the_check(self):
        proc, lines = compare(tagger=os.path.join(HERE, "no-such-tagger.py"))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("nothing was compared", proc.stderr)
        self.assertTrue(lines and all(field == "tagger-failed" for _, field, _ in lines))

    def test_missing_tagger_is_a_usage_error(self):
        proc, _ = compare(tagger=os.path.join(HERE, "no-such-tagger"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("no tagger executable", proc.stderr)


if __name__ == "__main__":
    unittest.main()
