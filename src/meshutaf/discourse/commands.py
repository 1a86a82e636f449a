"""`meshutaf discourse …`: import a corpus, train, score, print the index, and evaluate the
default learner on two labelled files. Training and scoring run in the foreground here (the
site runs them in the worker). Malformed input gets a message and exit code 2.

The command line acts as the operator: it reaches corpora by name without an account, like
the other operator commands (`migrate`, `demo`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from meshutaf.core.commands import fail
from meshutaf.core.forms import MAX_ID, error_text
from meshutaf.initiatives.models import Initiative

from . import importing, services
from .evaluation import EvaluationError, evaluate
from .models import Corpus, ModelStatus, RunStatus
from .results import json_number
from .selectors.index import corpus_index, parse_grouping


def add_parser(commands) -> None:
    from django.utils.translation import gettext as _

    discourse = commands.add_parser(
        "discourse", help=_("The Discourse Index: import, train, score, index, evaluate.")
    )
    actions = discourse.add_subparsers(dest="discourse_command", metavar=_("action"), required=True)
    importing = actions.add_parser(
        "import",
        help=_("Import a CSV, JSON Lines or Excel file into a corpus (made if it is new)."),
        description=_(
            "Columns are matched to fields by their names (text, platform, source, community, "
            "language, published_at, thread_id, author_id, external_id); --mapping sets them "
            "explicitly. Rows already in the corpus are not added again."
        ),
    )
    importing.add_argument("file", metavar=_("FILE"))
    importing.add_argument("--corpus", required=True, help=_("the corpus's name"))
    importing.add_argument(
        "--mapping", default="", help=_("field=column pairs, e.g. text=body,published_at=date")
    )
    importing.add_argument(
        "--labels",
        default="",
        help=_(
            "coded labels in the file: dimension=column[:value meaning yes], "
            "e.g. insult=is_insult,incivility=label:toxic"
        ),
    )
    importing.add_argument(
        "--labels-are-random-sample",
        action="store_true",
        help=_("the labelled rows are a simple random sample of the corpus: use them as its audit"),
    )
    importing.add_argument(
        "--initiative", type=int, help=_("initiative id, for a new corpus (optional)")
    )
    importing.add_argument(
        "--skip-invalid", action="store_true", help=_("import the valid rows, skip the others")
    )
    train = actions.add_parser("train", help=_("Train a new model version on the coded items."))
    train.add_argument("--corpus", required=True, help=_("the corpus's name"))
    train.add_argument("--json", action="store_true", help=_("print the training report as JSON"))
    score = actions.add_parser("score", help=_("Score every item with the newest model."))
    score.add_argument("--corpus", required=True, help=_("the corpus's name"))
    score.add_argument("--model", type=int, help=_("model version (default: the newest)"))
    index = actions.add_parser("index", help=_("Print the index by cell."))
    index.add_argument("--corpus", required=True, help=_("the corpus's name"))
    index.add_argument(
        "--by",
        default="month,community",
        help=_("grouping: week|month|quarter|year, community, platform, language"),
    )
    index.add_argument("--json", action="store_true", help=_("print one JSON object"))
    evaluate = actions.add_parser(
        "evaluate",
        help=_("Train the default learner on one labelled CSV and evaluate it on another."),
    )
    evaluate.add_argument("--train", required=True, metavar=_("FILE"))
    evaluate.add_argument("--test", required=True, metavar=_("FILE"))
    evaluate.add_argument("--text-column", required=True)
    evaluate.add_argument("--label-column", required=True)
    evaluate.add_argument("--positive", required=True, help=_("the label value meaning yes"))
    evaluate.add_argument(
        "--audit-size", type=int, default=200, help=_("test labels used as the audit (200)")
    )
    evaluate.add_argument("--seed", type=int, default=0, help=_("random seed (default 0)"))
    evaluate.add_argument("--json", action="store_true", help=_("print one JSON object"))


def _corpus(name: str):

    return Corpus.objects.filter(name__iexact=(name or "").strip()).first()


def _no_corpus(name: str) -> int:
    from django.utils.translation import gettext as _

    return fail(_("There is no corpus called %(name)s.") % {"name": name})


def run(args) -> int:
    command = args.discourse_command
    if command == "evaluate":
        return _evaluate(args)
    if command == "import":
        return _import(args)
    corpus = _corpus(args.corpus)
    if corpus is None:
        return _no_corpus(args.corpus)
    if command == "train":
        return _train(args, corpus)
    if command == "score":
        return _score(args, corpus)
    return _index(args, corpus)


def _import(args) -> int:
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils.translation import gettext as _

    path = Path(args.file)
    if not path.is_file():
        return fail(_("There is no file %(path)s.") % {"path": args.file})
    name = args.corpus.strip()
    if not name or len(name) > 120:
        return fail(_("Give the corpus a name of at most 120 characters."))
    initiative = None
    if args.initiative is not None:
        initiative = (
            Initiative.objects.filter(pk=args.initiative).first()
            if 0 < args.initiative <= MAX_ID
            else None
        )
        if initiative is None:
            return fail(_("There is no initiative %(id)s.") % {"id": args.initiative})
    try:
        headers, rows = importing.read_table(path.read_bytes(), path.name, max_rows=5_000_000)
        mapping = importing.parse_mapping(args.mapping, headers)
        importing.check_mapping(mapping, headers)
    except importing.ImportFileError as error:
        return fail(str(error))
    except OSError as error:
        return fail(_("The file cannot be read: %(error)s") % {"error": error.strerror})
    existing = _corpus(name)
    try:
        with transaction.atomic():
            corpus = existing or services.corpus_create(name=name, initiative=initiative)
            if initiative is not None and corpus.initiative_id != initiative.pk:
                if corpus.initiative_id is not None:
                    raise ValidationError(
                        _("The corpus %(name)s belongs to another initiative.")
                        % {"name": corpus.name}
                    )
                corpus = services.corpus_update(
                    corpus=corpus, by=None, data={"initiative": initiative}
                )
            keys = list(corpus.dimensions.values_list("key", flat=True))
            labels = importing.parse_labels(
                args.labels, headers, [*keys, "incivility", "different_speech"]
            )
            prepared = importing.prepare_rows(
                headers, rows, mapping, salt=corpus.salt, labels=labels
            )
            invalid = [row for row in prepared if row.errors]
            if invalid and not args.skip_invalid:
                for row in invalid[:20]:
                    print(
                        _("Row %(number)s: %(errors)s")
                        % {"number": row.number, "errors": " ".join(row.errors)},
                        file=sys.stderr,
                    )
                raise ValidationError(
                    _(
                        "%(count)s rows have problems; nothing was imported. Fix them, or "
                        "pass --skip-invalid to import the other rows."
                    )
                    % {"count": len(invalid)}
                )
            record = services.items_import(
                corpus=corpus,
                rows=prepared,
                filename=path.name,
                mapping=mapping,
                skip_invalid=args.skip_invalid,
                labels_audit=args.labels_are_random_sample,
            )
    except importing.ImportFileError as error:
        return fail(str(error))
    except ValidationError as error:
        return fail(error_text(error))
    print(
        _(
            "Corpus %(name)s: %(added)s new items imported, %(duplicates)s already there, "
            "%(skipped)s rows skipped; %(total)s items in all."
        )
        % {
            "name": corpus.name,
            "added": record.added,
            "duplicates": record.duplicates,
            "skipped": len(prepared) - record.added - record.duplicates,
            "total": corpus.items.count(),
        }
    )
    if corpus.initiative_id is None:
        print(
            _(
                "The corpus belongs to no initiative yet, so the site does not show it; import "
                "again with --initiative ID to attach it (nothing is added twice)."
            )
        )
    return 0


def _train(args, corpus) -> int:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    try:
        model = services.model_train_request(corpus=corpus, enqueue=False)
    except ValidationError as error:
        return fail(error_text(error))
    try:
        model = services.model_train_run(model_id=model.pk)
    except BaseException:
        services.job_abandon(model_id=model.pk)
        raise
    if model.status != ModelStatus.READY:
        return fail(_("Training failed: %(error)s") % {"error": model.error}, code=1)
    if args.json:
        print(json.dumps({"version": model.version, **model.report}, ensure_ascii=False))
        return 0
    print(
        _("Model version %(version)s trained on %(n)s coded items.")
        % {"version": model.version, "n": model.n_train}
    )
    for key, row in model.report.get("dimensions", {}).items():
        if row.get("skipped"):
            print(
                "  "
                + _("%(key)s: not trained (%(positives)s yes, %(negatives)s no)")
                % {"key": key, "positives": row.get("positives"), "negatives": row.get("negatives")}
            )
            continue
        print(
            f"  {key}: macro-F1 {row.get('macro_f1')}, AUC {row.get('roc_auc')}, "
            f"Brier {row.get('brier')}, ECE {row.get('calibration_error')}"
        )
    return 0


def _score(args, corpus) -> int:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    model = None
    if args.model is not None:
        model = corpus.model_versions.filter(version=args.model, status=ModelStatus.READY).first()
        if model is None:
            return fail(_("The corpus has no ready model version %(v)s.") % {"v": args.model})
    try:
        run = services.scoring_request(corpus=corpus, model=model, enqueue=False)
    except ValidationError as error:
        return fail(error_text(error))

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    try:
        run = services.scoring_run_execute(run_id=run.pk, progress=progress)
    except BaseException:
        services.job_abandon(run_id=run.pk)
        raise
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if run.status != RunStatus.DONE:
        return fail(_("Scoring failed: %(error)s") % {"error": run.error}, code=1)
    print(
        _("%(done)s items scored with model version %(version)s.")
        % {"done": run.done, "version": run.model.version}
    )
    return 0


def _index(args, corpus) -> int:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    try:
        by = parse_grouping(args.by)
    except ValidationError as error:
        return fail(error_text(error))
    index = corpus_index(corpus=corpus, by=by)
    if not index.scored:
        return fail(_("The corpus has not been scored yet: run train, then score."), code=1)
    if args.json:
        print(json.dumps(index.to_json(), ensure_ascii=False))
        return 0
    headline = index.targets[: 3 if "index" in index.targets else 2]
    print("\t".join([*by, "n", *[index.target_labels[key] for key in headline]]))
    for cell in index.cells:
        values = []
        for key in headline:
            result = cell.results[key]
            estimate = json_number(result.estimate)
            if not result.corrected:
                values.append(f"{estimate} (?)")
            else:
                low, high = json_number(result.ci_low), json_number(result.ci_high)
                values.append(f"{estimate} [{low}, {high}]")
        print("\t".join([*(cell.label(part) for part in by), str(cell.n_items), *values]))
    return 0


def _without_nan(value):
    """JSON has no NaN: an undefined figure (AUC on one class, say) is printed as null."""
    if isinstance(value, dict):
        return {key: _without_nan(item) for key, item in value.items()}
    if isinstance(value, float) and value != value:
        return None
    return value


def _evaluate(args) -> int:
    from django.utils.translation import gettext as _

    if not 0 <= args.seed < 2**32:
        return fail(_("The seed must be a whole number from 0 to 4294967295."))
    try:
        result = evaluate(
            Path(args.train),
            Path(args.test),
            text_column=args.text_column,
            label_column=args.label_column,
            positive=args.positive,
            audit_size=args.audit_size,
            seed=args.seed,
        )
    except EvaluationError as error:
        return fail(str(error))
    result = _without_nan(result)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0
