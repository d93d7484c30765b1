#!/usr/bin/env bash
# Render the report exports of a demo session to pages a person can look at.
#
#   bench/render_exports.sh [OUTPUT_FOLDER] [DEMO]      (default: /tmp/zhuoyue-render, manufacturer)
#
# Builds the demo company's session through the CLI (`zhuoyue chat` reading the
# demo's answers from a pipe, then a few /score and /data lines), exports it to
# .docx, .xlsx and .html with `zhuoyue report`, and, when LibreOffice and poppler
# are installed, converts the .docx and .xlsx to PDF and each PDF page to a PNG.
# Run by hand to check how Word-like and spreadsheet viewers show the report;
# not part of CI. Nothing is written outside OUTPUT_FOLDER.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-/tmp/zhuoyue-render}"
DEMO="${2:-manufacturer}"
PY="$ROOT/.venv/bin/python"
ZY="$ROOT/.venv/bin/zhuoyue"
[ -x "$ZY" ] || { echo "no $ZY: run 'make run' or 'make test' first to set up .venv" >&2; exit 1; }

mkdir -p "$OUT"
DB="$OUT/render.sqlite3"
rm -f "$DB" "$DB"-wal "$DB"-shm
export ZHUOYUE_DATA_DIR="$OUT/data" ZHUOYUE_CACHE_DIR="$OUT/cache"
SESSION="demo-$DEMO"

# The interview a user would type: the company summary as the 组织概述, then each demo
# turn after /goto, a few scores and two measures (skipped if /data is unknown).
"$PY" - "$DEMO" > "$OUT/input.txt" <<'PYTHON'
import sys

from dialogues.demos import load_demo
from knowledge.loader import load_knowledge_base

demo = load_demo(sys.argv[1], load_knowledge_base())
print(demo.summary_zh.replace("\n", " "))
print("/profile skip")
for turn in demo.turns:
    print(f"/goto {turn.clause}")
    print(turn.zh.replace("\n", " "))
for item, percent in (("4.1.2", 45), ("4.3.3", 50), ("4.7.3", 40)):
    print(f"/score {item} {percent}")
print("/data 4.7.3.1 顾客满意度 分 2021=86.2 2022=88.5 2023=91.3 行业平均=85 标杆=93")
print("/data 4.7.2.1 客户端PPM ppm 2021=38 2022=29 2023=21 行业平均=35 目标=15")
print("/quit")
PYTHON

COMPANY="$("$PY" -c "import sys; from dialogues.demos import load_demo; from knowledge.loader import load_knowledge_base; print(load_demo(sys.argv[1], load_knowledge_base()).name_zh)" "$DEMO")"
echo "building session $SESSION ($COMPANY) in $DB"
"$ZY" --db "$DB" chat --new "$SESSION" --company "$COMPANY" < "$OUT/input.txt" > "$OUT/chat.log" 2>&1

for fmt in docx xlsx html md; do
    "$ZY" --db "$DB" report "$SESSION" -o "$OUT/report.$fmt" --force
done
echo "exports: $OUT/report.{docx,xlsx,html,md}"

if ! command -v soffice > /dev/null; then
    echo "LibreOffice (soffice) is not installed: no PDF or PNG pages. Install it (e.g. apt-get install" \
         "libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk) and run again."
    exit 0
fi
for fmt in docx xlsx; do
    mkdir -p "$OUT/$fmt"
    rm -f "$OUT/$fmt"/*.pdf "$OUT/$fmt"/*.png
    # a private profile, so that a running LibreOffice or the user's settings do not interfere
    soffice -env:UserInstallation="file://$OUT/lo-profile" --headless --convert-to pdf \
        --outdir "$OUT/$fmt" "$OUT/report.$fmt" > "$OUT/$fmt/soffice.log" 2>&1
    echo "pdf: $OUT/$fmt/report.pdf"
    if command -v pdftoppm > /dev/null; then
        pdftoppm -png -r 70 "$OUT/$fmt/report.pdf" "$OUT/$fmt/page"
        echo "pages: $(ls "$OUT/$fmt"/page-*.png | wc -l) PNG files in $OUT/$fmt/"
    else
        echo "pdftoppm (poppler-utils) is not installed: the PDF is there, no PNG pages."
    fi
done
