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
3. The model. Per dimension, a class-balanced L2 logistic regression (liblinear, dual) on
   naive-Bayes-scaled features (NB-LR, Wang & Manning 2012: each feature is multiplied by
   the log ratio of its share of the positive and of the negative class's mass, a
   feature-specific prior that helps most with few labels; the ratios fold into the weights,
   so scoring stays one product). The NB smoothing (0.3 or 1) and C (0.25, 1 or 4) are chosen
   by stratified k-fold ROC AUC: the ranking is what the model must get right, since the
   calibration and the threshold are fitted after it, and AUC is not distorted by
   `class_weight="balanced"` as log-loss is. The same folds give out-of-fold decision scores;
   a calibrator (isotonic with at least 1,000 labelled rows and 100 positives, Platt's sigmoid
   otherwise) is fitted on them, and the decision threshold maximises macro-F1 (the mean F1 of
   the two classes) on the calibrated out-of-fold probabilities. The final model is refitted
   on all labelled rows.

What gives the edge over a tuned char + word logistic regression (bench/discourse.py, section
2): the threshold tuned for macro-F1 (a model predicting at 0.5 under-predicts the rarer
class), class balancing, and NB scaling with its smoothing chosen by cross-validation (about
+0.02 ROC AUC on the synthetic benchmark, on a par on the Pol.is labels).

Training runs on one thread by default (see `training._parallel`): 5,000 texts × 15
dimensions take about 25 s, 1,500 × 15 about 7 s.

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
