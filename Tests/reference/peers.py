"""scikit-learn peers of tagger's model, shared by heldout_enron.py and simulate_peer.py.

Every peer reads a message as its decoded Subject plus its preferred text body (Python's
`email` package, plain before HTML), learns TF-IDF (sublinear tf, min_df 2) and one binary
classifier per label with balanced class weights, and applies a label when its decision
crosses the classifier's own cut (probability 0.5 for logistic regression, margin 0 for the
linear SVM). These are the configurations issue 16 lists.
"""
import email, email.policy

PEERS = [
    # (key, description)
    ("lr-word12-c10", "TF-IDF word 1-2-grams + one-vs-rest LR, C=10, balanced"),
    ("lr-word1-c1", "TF-IDF word unigrams + one-vs-rest LR, C=1, balanced"),
    ("lr-charwb25-c1", "TF-IDF char_wb 2-5-grams + one-vs-rest LR, C=1, balanced"),
    ("svm-word1-c0.5", "TF-IDF word unigrams + LinearSVC, C=0.5, balanced"),
    ("svm-charwb25-c0.5", "TF-IDF char_wb 2-5-grams + LinearSVC, C=0.5, balanced"),
]

# The peer `tagger simulate --peer` replays (the best of the table on heldout_enron.py's splits).
BEST = "lr-charwb25-c1"

_texts = {}


def text(path):
    """Subject and preferred body of the message at `path` (cached: peers share it)."""
    if path in _texts:
        return _texts[path]
    with open(path, "rb") as f:
        m = email.message_from_bytes(f.read(), policy=email.policy.default)
    try:
        body = m.get_body(preferencelist=("plain", "html"))
        b = body.get_content() if body else ""
    except Exception:
        b = ""
    try:
        s = str(m.get("subject") or "")
    except Exception:
        s = ""
    _texts[path] = s + "\n" + b
    return _texts[path]


def available():
    try:
        import sklearn  # noqa: F401
        return True
    except ImportError:
        return False


def _vectorizer(key):
    from sklearn.feature_extraction.text import TfidfVectorizer
    if "charwb25" in key:
        return TfidfVectorizer(sublinear_tf=True, min_df=2, analyzer="char_wb", ngram_range=(2, 5))
    if "word12" in key:
        return TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2))
    return TfidfVectorizer(sublinear_tf=True, min_df=2)


def _classifier(key):
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC
    c = float(key.rsplit("-c", 1)[1])
    if key.startswith("svm"):
        return LinearSVC(C=c, class_weight="balanced")
    return LogisticRegression(max_iter=1000, C=c, class_weight="balanced")


def scores(key, train_texts, train_labels, test_texts, labels):
    """Decision values (a rows x labels array) of peer `key` trained on `train_texts` whose
    label sets are `train_labels`: the positive class's probability for logistic regression,
    the margin for the linear SVM. A label with no positive (or no negative) training example
    scores -inf (+inf) everywhere."""
    import numpy as np
    vec = _vectorizer(key)
    xtr = vec.fit_transform(train_texts)
    xte = vec.transform(test_texts)
    out = np.zeros((len(test_texts), len(labels)))
    for j, label in enumerate(labels):
        y = np.array([1 if label in s else 0 for s in train_labels])
        if y.sum() == 0 or y.sum() == len(y):
            out[:, j] = -np.inf if y.sum() == 0 else np.inf
            continue
        clf = _classifier(key).fit(xtr, y)
        out[:, j] = clf.decision_function(xte) if key.startswith("svm") else clf.predict_proba(xte)[:, 1]
    return out


def cut(key):
    """The decision value at and above which peer `key` applies a label."""
    return 0.0 if key.startswith("svm") else 0.5


def predict(key, train_texts, train_labels, test_texts, labels):
    """0/1 predictions (a list of rows, one column per label) of peer `key` (see `scores`):
    a label is applied where its decision value reaches the classifier's own cut."""
    return (scores(key, train_texts, train_labels, test_texts, labels) >= cut(key)).astype(int)


def f1_scores(truth, pred):
    """(micro-F1, macro-F1 over labels with a positive in `truth`) of 0/1 matrices."""
    import numpy as np
    truth = np.asarray(truth)
    pred = np.asarray(pred)
    tp = (truth & pred).sum(0)
    sup = truth.sum(0)
    prd = pred.sum(0)
    micro = 2 * tp.sum() / (sup.sum() + prd.sum()) if sup.sum() + prd.sum() else 0.0
    keep = sup > 0
    f1 = np.where(sup + prd > 0, 2 * tp / np.maximum(sup + prd, 1), 0.0)
    macro = f1[keep].mean() if keep.any() else 0.0
    return float(micro), float(macro)
