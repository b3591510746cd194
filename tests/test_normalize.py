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


def test_punctuation_is_dropped_and_codes_kept() -> None:
    assert normalize("Chỉ số 2.2: hộ nghèo?!") == "chi so 2.2 ho ngheo"
    assert normalize("  nhiều   khoảng  trắng ") == "nhieu khoang trang"
