import pytest

from content.aspects import aspects
from content.normalize import normalize, strip_diacritics


def test_diacritics_and_d_bar_are_folded() -> None:
    assert strip_diacritics("Đắk Plô, Thừa Thiên Huế") == "dak plo, thua thien hue"
    assert normalize("ĐIỂM PAPI của Đồng Tháp") == normalize("diem papi cua dong thap")


def test_composed_and_decomposed_input_are_equal() -> None:
    import unicodedata

    text = "Công khai danh sách hộ nghèo"
    assert normalize(unicodedata.normalize("NFD", text)) == normalize(unicodedata.normalize("NFC", text))


def test_abbreviations_expand_with_or_without_diacritics() -> None:
    assert normalize("UBND xã") == "uy ban nhan dan xa"
    assert normalize("HĐND") == normalize("hdnd") == "hoi dong nhan dan"
    assert normalize("tthc") == "thu tuc hanh chinh"
    assert normalize("xa k dc cong khai") == "xa khong duoc cong khai"
    assert normalize("ds hộ nghèo, vb gửi Đảng ủy, dự toán ns") == (
        "danh sach ho ngheo van ban gui dang uy du toan ngan sach")
    assert normalize("QĐ 3012/QĐ-UBND") == "quyet dinh 3012 quyet dinh uy ban nhan dan"
    assert normalize("mn hỏi bnhiu lần, lm thế nào") == "moi nguoi hoi bao nhieu lan lam the nao"
    assert normalize("ng ms ct") == "ng ms ct", "ambiguous in chat (người/ngày, mới/mời, chủ tịch/chương trình): kept"


def test_drawn_out_letters_are_read_once() -> None:
    assert normalize("khongggg dc đâuuu") == "khong duoc dau"
    assert normalize("xoong 10000") == "xong 10000", "a Telex double and a number are left alone"
    assert normalize("STTTT, tele") == "so thong tin va truyen thong telegram", "an abbreviation is read before"


def test_punctuation_is_dropped_and_codes_kept() -> None:
    assert normalize("Chỉ số 2.2: hộ nghèo?!") == "chi so 2.2 ho ngheo"
    assert normalize("  nhiều   khoảng  trắng ") == "nhieu khoang trang"


@pytest.mark.parametrize("question", ["niêm yết ở đâu", "niem yet o nhung dau", "công khai tại đâu"])
def test_ways_of_asking_where_are_read_as_where(question: str) -> None:
    assert "where" in aspects(question)
