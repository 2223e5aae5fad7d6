import unicodedata

from core.text import fold, nfc


def test_fold_ignores_accents_case_and_d_stroke():
    assert fold("Nguyễn Văn Khoa") == "nguyen van khoa"
    assert fold("NGUYEN VAN KHOA") == "nguyen van khoa"
    assert fold(unicodedata.normalize("NFD", "Nguyễn Văn Khoa")) == "nguyen van khoa"
    assert fold("Đỗ Thị Đào") == "do thi dao"
    assert fold("  Chuyển   đổi số ") == "chuyen doi so"


def test_nfc_composes_decomposed_names():
    decomposed = unicodedata.normalize("NFD", "Hoàng Minh Cường")
    assert nfc(decomposed) == "Hoàng Minh Cường"
    assert len(nfc(decomposed)) == len("Hoàng Minh Cường")
