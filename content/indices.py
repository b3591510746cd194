"""The other indices people ask about as if they were PAPI (PCI, PAR Index, SIPAS, DTI, ICT Index): their names as
people type them, read by the score router and by the splitter of a compound message alike."""

from __future__ import annotations

from content.normalize import normalize

_NAMES: dict[str, str] = {
    "pci": "PCI (Chỉ số năng lực cạnh tranh cấp tỉnh)",
    "nang luc canh tranh": "PCI (Chỉ số năng lực cạnh tranh cấp tỉnh)",
    "par index": "PAR Index (Chỉ số cải cách hành chính)",
    "par": "PAR Index (Chỉ số cải cách hành chính)",
    "chi so cai cach hanh chinh": "PAR Index (Chỉ số cải cách hành chính)",
    "sipas": "SIPAS (Chỉ số hài lòng về sự phục vụ hành chính)",
    "chi so hai long": "SIPAS (Chỉ số hài lòng về sự phục vụ hành chính)",
    "dti": "DTI (Chỉ số chuyển đổi số)",
    "chi so chuyen doi so": "DTI (Chỉ số chuyển đổi số)",
    "ict index": "ICT Index (Chỉ số sẵn sàng ứng dụng công nghệ thông tin)",
}
OTHER_INDICES = {normalize(words): name for words, name in _NAMES.items()}  # "sipas" is read "sipa"


def named_index(norm: str) -> tuple[str, str] | None:
    """(the words, the index's name) of the first other index the normalised text names."""
    padded = f" {norm} "
    return next(((words, name) for words, name in OTHER_INDICES.items() if f" {words} " in padded), None)
