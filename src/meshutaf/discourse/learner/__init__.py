"""The Discourse Index's default learner: calibrated multi-label n-gram logistic regression.

One binary target per dimension ("insult", "respect", "incivility", ...), trained on a few
hundred to a few thousand human labels in Hebrew, Arabic and English, and then run over every
text the index covers. Three things shape it:

1. Scoring is cheap. Every text is normalised (`normalize.normalize`) and turned into hashed
   features once; all dimensions are then scored with ONE sparse matrix product against a
   (features × dimensions) weight matrix, plus a per-dimension calibration curve. Features
   are made by our own vectorised hasher (`features.hashed_counts`), not scikit-learn's
   HashingVectorizer: that one builds every character n-gram as a Python string (about 8,000
   texts/s for char_wb 2–5 on 100-character texts), ours hashes the n-grams of a whole batch
   at once with numpy rolling hashes (about 35,000 texts/s), so scoring, normalisation
   included, runs at about 14,000 texts/s on one core against a budget of 5,000.
2. The features suit noisy trilingual text. Character n-grams of 1–4 inside word boundaries
   (like scikit-learn's char_wb: Hebrew and Arabic attach prefixes such as ו/ה/ש or و/ال/ب to
   the word, and misspellings and elongations share most n-grams with the correct spelling)
   plus word unigrams and bigrams. Each view gets sublinear tf, an IDF learned on the training
   texts (label-free, so learning it on every training text leaks no label into the
   cross-validation) and its own L2 normalisation, so neither view drowns the other. Only
   n-grams seen in at least `min_df` (2) training texts keep a column. Measured on the
   benchmark's data: 1–4 scored as well as 1–5 and 2–5 and is faster; min_df 2 beat 1;
   n-grams across word boundaries and re-weighting the views did not help.
3. The model. Per dimension, class-balanced L2 logistic regressions (liblinear, dual), and
   cross-validation picks one of three for each dimension by out-of-fold ROC AUC: NB-LR, the
   regression on naive-Bayes-scaled features (Wang & Manning 2012: each feature is multiplied
   by the log ratio of its share of the positive and of the negative class's mass, a
   feature-specific prior that helps most with few labels), with its smoothing (0.3 or 1) and
   C (0.25, 1 or 4); a plain logistic regression on the same features, C in 0.25–16; or the
   sum of the two models' scores, each standardised by its out-of-fold mean and deviation.
   All three are linear in the features, so the NB ratios and the standardisation fold into
   one weight vector and scoring stays one product. AUC chooses because the ranking is what
   the model must get right: the calibration and the threshold are fitted after it, and AUC
   is not distorted by `class_weight="balanced"` as log-loss is. The same folds give
   out-of-fold decision scores; a calibrator (centred isotonic with at least 1,000 labelled
   rows and 100 positives, so the probabilities keep the scores' ranking; Platt's sigmoid
   otherwise) is fitted on them, and the decision threshold maximises macro-F1 (the mean F1
   of the two classes) on the calibrated out-of-fold probabilities. The final models are
   refitted on all labelled rows.

What gives the edge over a tuned char + word logistic regression (bench/discourse.py, section
2, and bench/discourse_real.py on real Hebrew and Arabic text, means of 5 seeds): the
threshold tuned for macro-F1 (a model predicting at 0.5 under-predicts the rarer class), class
balancing, NB scaling with its smoothing chosen by cross-validation, and the choice between
NB-LR and plain LR. NB-LR wins where a class has many distinctive n-grams (Arabic normal
against abusive: ROC AUC 0.927 against the tuned regression's 0.910) but ranked worse on a
small class (Arabic hate, 8% of tweets: 0.882 against 0.889); the plain regression or the mean
of both is better there (0.893), and cross-validation finds which. The centred isotonic curve
added 0.0002–0.0016 ROC AUC over the staircase. Tried on the real sets and left out because
they did not help on held-out data: Hebrew prefix letters and Arabic clitics stripped
(`search.analysis.forms`) as an extra word view (ROC AUC −0.003 Hebrew, −0.011 Arabic normal,
−0.033 Arabic hate, one seed; at half weight −0.002, −0.002, −0.004, two seeds); PPMI–SVD word
vectors learned from the corpus's own texts, averaged per text and appended (−0.003, −0.002,
−0.012, one seed); character n-grams 1–5 (±0.001, 9% slower) or 2–5 instead of 1–4; wider C
or NB smoothing grids (no change); min_df 1 (+0.003 AUC on Arabic hate but −0.006 macro-F1).

Training runs on one thread by default (see `training._parallel`): 5,000 texts × 15
dimensions take about 45 s, 1,500 × 15 about 14 s (the plain regressions cost a third more
than NB-LR alone).

`TrainingResult.out_of_fold` holds, for each labelled item, the probability from a model that
did not see it: the logistic regression of the fold that held it out, calibrated by a curve
fitted on the OTHER folds' out-of-fold scores (cross-fitted). Those other folds' scores come
from models that did see the item, so its label reaches its own probability only through the
calibration of other items' scores: a negligible dependence, the one cross-fitted
prediction-powered inference accepts. Its metrics in the report are cross-validated from these.

The package, by concern: `config` (the learner's choices), `features` (hashing and tf-idf),
`metrics`, `calibration`, `training` (`train`) and `model` (`TrainedModel`: scoring, saving and
loading).

Models are saved as a numpy .npz (arrays only, loaded with allow_pickle=False) and a JSON
file, never pickle or joblib, so a model file can never execute code.
"""
