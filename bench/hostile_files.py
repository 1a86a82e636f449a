"""Hostile uploads against every reader of user files: time, peak memory and outcome per file.

Builds each hostile file (a 1.5 KB XLSX declaring A1:XFD20001 or A1:XFD1048576, XLSX and
DOCX zip bombs, a PDF of many pages, CSV files with a 2 MB cell, NUL bytes, a million columns or
a million rows, a JSON Lines file with a 20 MB line, a statements file without a known header;
rows holding one cell at column XFD, or at IV on 270,000 rows (under the 10 MB a part may
unpack to at any ratio), millions of elements inside a cell or a shared string or nested inside
each other, a JSON array of three million empty objects, JSON Lines of nested objects, a CSV
header of 256 columns over 500,000 one-cell rows, 50 MB of empty lines in a table or a Pol.is
export) and feeds it to the functions the views and the worker call. Each run is a separate
process with a memory cap and a time limit, so a reader that blows up cannot take the machine
with it. `--src DIR` measures another checkout's `src` (for example the code before a change,
unpacked with `git archive`). Ends with one JSON line of the figures.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT = 60  # seconds per file and reader
MEMORY_CAP = 4 * 1024**3  # bytes of address space per run

# (file, reader): which file goes to which reader, as a user could send it.
CASES = [
    ("xlsx_dimension_20001.xlsx", "stakeholders"),
    ("xlsx_dimension_20001.xlsx", "discourse"),
    ("xlsx_dimension_1048576.xlsx", "stakeholders"),
    ("xlsx_dimension_1048576.xlsx", "knowledge"),
    ("xlsx_bomb.xlsx", "stakeholders"),
    ("xlsx_bomb.xlsx", "discourse"),
    ("xlsx_bomb.xlsx", "knowledge"),
    ("xlsx_million_strings.xlsx", "stakeholders"),
    ("xlsx_million_strings.xlsx", "knowledge"),
    ("docx_bomb.docx", "knowledge"),
    ("pdf_5000_pages.pdf", "knowledge"),
    ("csv_2mb_cell.csv", "statements"),
    ("csv_2mb_cell.csv", "stakeholders"),
    ("csv_2mb_cell.csv", "discourse"),
    ("csv_2mb_cell_comments.csv", "polis"),
    ("csv_nul.csv", "statements"),
    ("csv_nul.csv", "stakeholders"),
    ("csv_million_columns.csv", "stakeholders"),
    ("csv_500k_rows.csv", "stakeholders"),
    ("jsonl_20mb_line.jsonl", "discourse"),
    ("statements_no_header.csv", "statements"),
    ("xlsx_xfd_40k_rows.xlsx", "knowledge"),
    ("xlsx_xfd_40k_rows.xlsx", "stakeholders"),
    ("xlsx_xfd_40k_rows.xlsx", "discourse"),
    ("xlsx_iv_270k_rows.xlsx", "discourse"),
    ("xlsx_nested_in_cell.xlsx", "knowledge"),
    ("xlsx_nested_in_cell.xlsx", "stakeholders"),
    ("xlsx_nested_in_string.xlsx", "knowledge"),
    ("xlsx_nested_in_string.xlsx", "stakeholders"),
    ("xlsx_nested_deep.xlsx", "knowledge"),
    ("docx_nested_deep.docx", "knowledge"),
    ("json_array_empty.json", "discourse"),
    ("jsonl_nested_objects.jsonl", "discourse"),
    ("csv_wide_header.csv", "discourse"),
    ("csv_blank_lines.csv", "discourse"),
    ("csv_blank_lines_comments.csv", "polis"),
]


def build_files(directory: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.core import hostile

    comments_header = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,"
    files = {
        "xlsx_dimension_20001.xlsx": hostile.xlsx_declaring("A1:XFD20001"),
        "xlsx_dimension_1048576.xlsx": hostile.xlsx_declaring("A1:XFD1048576"),
        "xlsx_bomb.xlsx": hostile.xlsx_bomb(),
        "xlsx_million_strings.xlsx": hostile.xlsx_as_excel_writes_it(extra_strings=1_000_000),
        "docx_bomb.docx": hostile.docx_bomb(),
        "pdf_5000_pages.pdf": hostile.pdf_pages(5000),
        "csv_2mb_cell.csv": hostile.csv_big_cell(),
        "csv_2mb_cell_comments.csv": (
            f"{comments_header}comment-body\n1,x,1,7,0,0,1,{'x' * 2_097_152}\n"
        ).encode(),
        "csv_nul.csv": b"text,sector\nWe need a\x00 shared goal,government\nPar\x00ks,business\n",
        "csv_million_columns.csv": hostile.csv_many_columns(),
        "csv_500k_rows.csv": b"name,sector\n" + b"Acme,government\n" * 500_000,
        "jsonl_20mb_line.jsonl": hostile.jsonl_huge_line(),
        "statements_no_header.csv": b"id,idea\n1,We need parks\n2,Less traffic\n",
        "xlsx_xfd_40k_rows.xlsx": hostile.xlsx_far_cells(40_000, "XFD"),
        "xlsx_iv_270k_rows.xlsx": hostile.xlsx_far_cells(270_000, "IV"),
        "xlsx_nested_in_cell.xlsx": hostile.xlsx_nested_in_cell(),
        "xlsx_nested_in_string.xlsx": hostile.xlsx_nested_in_shared_string(),
        "xlsx_nested_deep.xlsx": hostile.xlsx_nested_deep(),
        "docx_nested_deep.docx": hostile.docx_nested_deep(),
        "json_array_empty.json": hostile.json_array_of_empty_objects(),
        "jsonl_nested_objects.jsonl": hostile.jsonl_nested_objects(),
        "csv_wide_header.csv": hostile.csv_wide_header(),
        "csv_blank_lines.csv": hostile.csv_blank_lines(),
        "csv_blank_lines_comments.csv": (
            f"{comments_header}comment-body\n".encode()
            + b"\n" * 50_000_000
            + b"1,x,1,7,0,0,1,Hello\n"
        ),
    }
    for name, data in files.items():
        (directory / name).write_bytes(data)


# --- One run, in its own process -----------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024**2


def _read(path: Path, reader: str) -> str:
    """Feed the file to a reader the way its view or task does; describe what came out."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = path.read_bytes()
    if reader == "stakeholders":
        from meshutaf.stakeholder_map import importing

        headers, rows = importing.read_table(data[: importing.MAX_BYTES + 1], path.name)
        return f"read {len(rows)} rows × {len(headers)} columns"
    if reader == "discourse":
        from meshutaf.discourse import importing

        headers, rows = importing.read_table(data, path.name)
        return f"read {len(rows)} rows × {len(headers)} columns"
    if reader == "statements":
        from meshutaf.deliberation import services

        try:
            parsed = services.parse_statements_csv(raw=data, first_row_is_heading=True)
            texts = parsed.texts
        except TypeError:  # code from before the facilitator said whether a heading is one
            texts = services.parse_statements_csv(data)
        nul = sum("\x00" in text for text in texts)
        return f"read {len(texts)} statements ({nul} with NUL), first “{texts[0][:20]}”"
    if reader == "polis":
        from meshutaf.deliberation import polis_format, views

        comments = polis_format.parse_comments(views._decode(SimpleUploadedFile(path.name, data)))
        return f"read {len(comments)} comments"
    if reader == "knowledge":
        from meshutaf.knowledge import files

        with path.open("rb") as stream:
            file_type = files.sniff(stream.read(16), stream)
            check = getattr(files, "check_upload", None)  # the upload's own check, if any
            if check is not None:
                check(stream, file_type)
                stream.seek(0)
            text = files.extract_text(stream, file_type)
        return f"read {len(text)} characters of text"
    raise ValueError(reader)


def run_one(path: Path, reader: str, src: Path) -> None:
    sys.path.insert(0, str(src))
    if "MESHUTAF_DATA_DIR" not in os.environ:  # run by hand, outside `measure`
        os.environ["MESHUTAF_DATA_DIR"] = tempfile.mkdtemp(prefix="meshutaf-hostile-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshutaf.settings")
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.utils import translation

    translation.activate("en")
    import meshutaf

    # Load what every reader needs before measuring, as a warm server would have.
    import meshutaf.deliberation.views
    import meshutaf.discourse.importing
    import meshutaf.knowledge.files
    import meshutaf.stakeholder_map.importing

    base = _rss_mb()
    print(json.dumps({"ready": True, "base_mb": round(base, 1)}), flush=True)
    start = time.perf_counter()
    try:
        outcome = _read(path, reader)
    except MemoryError:
        outcome = f"out of memory (cap {MEMORY_CAP // 1024**3} GB)"
    except ValidationError as error:
        outcome = "refused: " + " ".join(error.messages)[:160]
    except ValueError as error:  # every reader's own refusal is a ValueError
        outcome = f"refused: {str(error)[:160]}"
    except Exception as error:  # what a view would turn into a server error
        outcome = f"crashed: {type(error).__name__}: {str(error)[:120]}"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "peak_mb": round(max(0.0, peak - base), 1),
                "outcome": outcome,
                "code": str(Path(meshutaf.__file__).parent),
            }
        ),
        flush=True,
    )


# --- The driver ----------------------------------------------------------------------------


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _high_water_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(path: Path, reader: str, src: Path) -> dict:
    command = [sys.executable, __file__, "--one", str(path), reader, "--src", str(src)]
    # The run's data directory sits beside the files, and goes with them.
    environment = {**os.environ, "MESHUTAF_DATA_DIR": str(path.parent / "data")}
    process = subprocess.Popen(  # noqa: S603 (our own script, our own arguments)
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        preexec_fn=_cap_memory,
        env=environment,
    )
    started, high_water = time.monotonic(), 0.0
    # A few seconds more than the limit: the run starts Django before it reads.
    while process.poll() is None and time.monotonic() - started < TIME_LIMIT + 5:
        high_water = max(high_water, _high_water_mb(process.pid))
        time.sleep(0.2)
    lines = []
    if process.poll() is None:
        process.kill()
    output = process.communicate()[0].decode().splitlines()
    lines = [json.loads(line) for line in output if line.startswith("{")]
    ready = next((line for line in lines if line.get("ready")), None)
    result = next((line for line in lines if "outcome" in line), None)
    if result is not None:
        return result
    base = ready["base_mb"] if ready else 0.0
    elapsed = time.monotonic() - started
    killed = elapsed >= TIME_LIMIT
    return {
        "seconds": TIME_LIMIT if killed else round(elapsed, 1),
        "peak_mb": round(max(0.0, high_water - base), 1),
        "outcome": f"killed after {TIME_LIMIT} s" if killed else "died (memory cap?)",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default=str(ROOT / "src"), help="the src directory to measure")
    parser.add_argument("--one", nargs=2, metavar=("FILE", "READER"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--only", help="run only the cases whose file or reader holds one of these (a,b,…)"
    )
    args = parser.parse_args()
    src = Path(args.src).resolve()
    if args.one:
        run_one(Path(args.one[0]), args.one[1], src)
        return
    global TIME_LIMIT
    TIME_LIMIT = int(os.environ.get("HOSTILE_TIME_LIMIT", TIME_LIMIT))
    with tempfile.TemporaryDirectory(prefix="meshutaf-hostile-") as directory:
        folder = Path(directory)
        build_files(folder)
        figures = []
        print(f"code: {src}")
        print(f"{'file':30} {'reader':13} {'KB':>8} {'s':>7} {'MB':>7}  outcome")
        for name, reader in CASES:
            wanted = args.only.split(",") if args.only else []
            if wanted and not any(word in name or word == reader for word in wanted):
                continue
            path = folder / name
            result = measure(path, reader, src)
            size_kb = path.stat().st_size / 1024
            print(
                f"{name:30} {reader:13} {size_kb:8.1f} {result['seconds']:7.2f} "
                f"{result['peak_mb']:7.1f}  {result['outcome']}",
                flush=True,
            )
            figures.append(
                {
                    "file": name,
                    "reader": reader,
                    "kb": round(size_kb, 1),
                    "seconds": result["seconds"],
                    "peak_mb": result["peak_mb"],
                    "outcome": result["outcome"],
                }
            )
    print(json.dumps({"benchmark": "hostile_files", "code": str(src), "runs": figures}))


if __name__ == "__main__":
    main()
