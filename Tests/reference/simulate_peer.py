#!/usr/bin/env python3
"""The scikit-learn peer of `tagger simulate --peer THIS_SCRIPT`.

`tagger simulate` replays a stream as a user who corrects tagger's mistakes and writes a plan
(JSON): the labels, the held-out messages, the stream, and for each point of the curve how
many of the corrected messages (in the order they were corrected) had been corrected then.
This script trains the best peer of Tests/reference/heldout_enron.py (peers.BEST) on exactly
those corrected messages at every point and scores the same held-out messages, printing one
JSON line per point: {"corrections": N, "micro_f1": ..., "macro_f1": ..., "peer": DESCRIPTION}.
Macro-F1 is over the labels with a held-out positive, as tagger's curve counts it.

    python3 simulate_peer.py PLAN.json [--peer KEY]

Exit status 3 when scikit-learn is not installed (tagger then leaves the peer out).
"""
import argparse, json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # noqa: E402


# Short names for the chart's legend.
SHORT = {"lr-word12-c10": "scikit-learn word 1-2-gram LR", "lr-word1-c1": "scikit-learn word LR",
         "lr-charwb25-c1": "scikit-learn char_wb LR", "svm-word1-c0.5": "scikit-learn word SVM",
         "svm-charwb25-c0.5": "scikit-learn char_wb SVM"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("plan")
    ap.add_argument("--peer", default=peers.BEST, choices=[k for k, _ in peers.PEERS])
    args = ap.parse_args()
    if not peers.available():
        print("scikit-learn is not installed (pip install scikit-learn)", file=sys.stderr)
        return 3
    with open(args.plan) as f:
        plan = json.load(f)
    labels = plan["labels"]
    held = plan["held_out"]
    stream = plan["stream"]
    corrected = plan["corrected"]
    held_texts = [peers.text(m["path"]) for m in held]
    truth = [[1 if l in m["labels"] else 0 for l in labels] for m in held]
    for point in plan["points"]:
        rows = [stream[i] for i in corrected[:point["corrections"]]]
        pred = peers.predict(args.peer, [peers.text(m["path"]) for m in rows], [set(m["labels"]) for m in rows],
                             held_texts, labels)
        micro, macro = peers.f1_scores(truth, pred)
        print(json.dumps({"corrections": point["corrections"], "micro_f1": micro, "macro_f1": macro,
                          "peer": SHORT.get(args.peer, args.peer)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
