"""`plan template FILE.xlsx`: the workbook a Sở fills in — instructions, the plan's facts, its tasks (one filled
example row, marked «Ví dụ» so that it is never imported), its targets and its reporting calendar. Given a plan,
the same workbook filled with it (how the tests write a bundled plan back out)."""

from __future__ import annotations

from pathlib import Path

from content.models import Plan, Task
from handlers.plans.deadlines import EXAMPLES
from handlers.plans.parse import INFO_NAMES

TASK_HEADERS = ("STT", "Nội dung nhiệm vụ", "Chi tiết", "Chỉ số", "Nội dung thành phần", "Cơ quan chủ trì",
                "Cơ quan phối hợp", "Thời hạn", "Giao cho", "Đơn vị ở xã", "Sản phẩm")
TARGET_HEADERS = ("Năm", "Chỉ số", "Điểm", "Tăng ít nhất", "Nhóm", "Nội dung chỉ tiêu")
REPORT_HEADERS = ("Nội dung báo cáo", "Gửi đến", "Thời hạn", "Xã báo cáo")
EXAMPLE_TASK = ("Ví dụ", "Niêm yết công khai dự toán, quyết toán ngân sách xã", "", "2, 3", "2.2", "UBND xã",
                "Ủy ban MTTQ Việt Nam xã", "trước ngày 30/6/2025", "tất cả các xã", "Văn phòng HĐND và UBND xã",
                "Ảnh chụp bảng niêm yết")
INFO_EXAMPLES = {
    "id": "lai-chau-2025 (để trống: tự đặt từ tỉnh và năm)", "title": "Kế hoạch cải thiện Chỉ số PAPI năm 2025",
    "number": "45/KH-UBND", "issued": "15/3/2025", "issuer": "UBND tỉnh Lai Châu", "province": "Lai Châu",
    "level": "tỉnh (hoặc xã)", "district": "(chỉ với kế hoạch cũ của một huyện, trước 7/2025)",
    "commune": "(chỉ với kế hoạch của một xã)", "papi_year": "2025",
    "valid_from": "(để trống: từ ngày ban hành)", "valid_until": "(để trống: đến 31/12 năm PAPI)",
    "summary": "Vài câu tóm tắt mục tiêu của kế hoạch",
}
INSTRUCTIONS = (
    "MẪU NHẬP KẾ HOẠCH CẢI THIỆN PAPI",
    "1. Trang «Kế hoạch»: điền cột B (cột C là ví dụ). Bắt buộc: Tên kế hoạch, Cơ quan ban hành, Tỉnh, Năm PAPI.",
    "2. Trang «Nhiệm vụ»: mỗi nhiệm vụ một dòng; bắt buộc: Nội dung nhiệm vụ, Chỉ số, Cơ quan chủ trì, Thời hạn.",
    "   Nhiều cơ quan trong một ô: cách nhau bằng dấu «;» hoặc xuống dòng.",
    "   Chỉ số: số chỉ số nội dung PAPI 1–8, ví dụ «1, 5», «1-8», «tất cả».",
    f"   Thời hạn: ghi như trong kế hoạch, ví dụ {EXAMPLES}, «hằng năm trước 28/11», «15 ngày sau khi công bố PAPI».",
    "   Giao cho: để trống (giao đúng cơ quan chủ trì), «tất cả các xã» (đơn vị ở xã của mọi xã trong tỉnh), hoặc "
    "tên các xã cách nhau bằng dấu «;».",
    "   Đơn vị ở xã: đơn vị của mỗi xã thực hiện (mặc định: cơ quan chủ trì có chữ «xã», nếu không thì UBND xã).",
    "   Dòng «Ví dụ» không được nhập: hãy xóa hoặc ghi đè.",
    "3. Trang «Chỉ tiêu» (không bắt buộc): Chỉ số «Tổng» hoặc 1–8, điểm, mức tăng, nhóm, nguyên văn chỉ tiêu.",
    "4. Trang «Báo cáo» (không bắt buộc): lịch báo cáo định kỳ; bot nhắc các xã trước mỗi hạn ở đây.",
    "Kiểm tra trước: python -m bot plan import TỆP.xlsx --dry-run; công bố: thêm --publish.",
)


def _task_row(n: int, task: Task) -> tuple[object, ...]:
    assign = "tất cả các xã" if task.every_commune else "; ".join(task.communes)
    return (n, task.title, task.detail, ", ".join(map(str, task.dimensions)), ", ".join(task.subdimensions),
            "; ".join(task.lead), "; ".join(task.coordinate), task.deadline.text, assign, task.commune_unit or "", "")


def _info_values(plan: Plan) -> dict[str, object]:
    level = {"province": "tỉnh", "district": "huyện", "commune": "xã"}[plan.level]
    return {"id": plan.id, "title": plan.title, "number": plan.number or "", "issued": plan.issued_text,
            "issuer": plan.issuer, "province": plan.province, "level": level, "district": plan.district or "",
            "commune": plan.commune or "",
            "papi_year": plan.papi_year, "summary": plan.summary,
            "valid_from": f"{plan.valid_from:%d/%m/%Y}" if plan.valid_from else "",
            "valid_until": f"{plan.valid_until:%d/%m/%Y}" if plan.valid_until else ""}


def write(path: Path, plan: Plan | None = None) -> None:
    from openpyxl import Workbook  # imported when used
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = "Hướng dẫn"
    for line in INSTRUCTIONS:
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    info = book.create_sheet("Kế hoạch")
    info.append(["Thông tin", "Giá trị", "Ví dụ"])
    values = _info_values(plan) if plan else {}
    for name, label in INFO_NAMES.items():
        info.append([label, values.get(name, ""), INFO_EXAMPLES[name]])
    for column, width in (("A", 22), ("B", 60), ("C", 50)):
        info.column_dimensions[column].width = width
    tasks = book.create_sheet("Nhiệm vụ")
    tasks.append(list(TASK_HEADERS))
    rows = [_task_row(n, t) for n, t in enumerate(plan.tasks, 1)] if plan else [EXAMPLE_TASK]
    for row in rows:
        tasks.append(list(row))
    for column, width in zip("ABCDEFGHIJK", (6, 50, 40, 10, 12, 35, 35, 35, 20, 25, 25), strict=True):
        tasks.column_dimensions[column].width = width
    targets = book.create_sheet("Chỉ tiêu")
    targets.append(list(TARGET_HEADERS))
    for t in plan.targets if plan else []:
        targets.append([t.year, "Tổng" if t.dimension is None else t.dimension, t.value, t.min_increase,
                        t.group or "", t.text])
    reports = book.create_sheet("Báo cáo")
    reports.append(list(REPORT_HEADERS))
    for r in plan.reports if plan else []:
        reports.append([r.title, r.to, r.deadline.text, "có" if r.communes else "không"])
    for sheet in (info, tasks, targets, reports):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text: "1, 5" or "=…" never becomes a number or a formula
        sheet.freeze_panes = "A2"
    book.save(path)
