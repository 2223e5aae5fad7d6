"""static/js/fold.js (the offline scanner's search) folds text exactly as core.text.fold (the
server's search keys): compared on Vietnamese names and a few traps, run by Node."""

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from core.text import fold

FOLD_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "fold.js"
NAMES = [
    "Nguyễn Văn Khoa",
    unicodedata.normalize("NFD", "Nguyễn Văn Khoa"),  # typed on a Mac, pasted from a PDF
    "NGUYỄN  VĂN\tKHOA",
    "Đỗ Thị Hà",
    "ĐẶNG QUỐC ĐẠT",
    "Lưu Ánh Dương",
    "Trương Mỹ Lệ",
    "Huỳnh Thị Ngọc Hân",
    "Vũ Đức Đam",
    "Phạm Thị Thuỳ Dương",
    "Hoàng Thuỷ Tiên",
    "Ông Ích Khiêm",
    "Ưng Hoàng Phúc",
    "Mỹ Ðình",  # Ð (eth) for Đ, a common typo
    "Sở Thông tin và Truyền thông Hải Phòng",
    "İstanbul",
    "Straße",
    "Łódź",
    "Søren Kierkegaard",
    "ﬁnn",
    "Ωμέγα ΣΟΦΟΣ",
    "Ǆemal",
    "Æsir",
    "José María Aznar",
    "François Müller",
    "  ",
    "",
]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (npm installs it)")
def test_js_fold_matches_python_fold():
    script = (
        "const fold = require(process.argv[1]);"
        "const names = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(names.map(fold)));"
    )
    result = subprocess.run(
        ["node", "-e", script, str(FOLD_JS)],
        input=json.dumps(NAMES),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == [fold(name) for name in NAMES]
    assert fold("Đỗ Thị Hà") == "do thi ha"
