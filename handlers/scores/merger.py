"""The 2025 province mergers: the province people name may be gone, or a new one PAPI has not scored yet; the
answer names the former provinces and their latest scores."""

from __future__ import annotations

from content.normalize import normalize
from content.scores import SOURCE_YEAR
from handlers.core import render
from handlers.core.messages import Choice, Reply
from handlers.scores.lookup import COMPUTED, REFORM, ScoreLookup


class Mergers(ScoreLookup):
    def merger(self, province: str, year: int | None) -> Reply:
        """The 2025 merger: the province people name may be gone, or a new one PAPI has not scored yet."""
        m = self._mergers.get(normalize(province))
        when = f" năm {year}" if year else ""
        if m is None:
            text = (f"PAPI chưa có điểm{when} cho {province} sau sắp xếp 2025. "
                    f"Dữ liệu có từ {self.table.years[0]} đến {self.table.years[-1]}.")
            text += "\n\n" + render.REFORM + REFORM + f"\n{render.SOURCE}{SOURCE_YEAR}"
            latest = self._latest(province)
            offer = (Choice(f"{province} {latest}", f"/diem {province} {latest}"),) if latest else ()
            return Reply(text, offer, kind="decline")
        others = [f for f in m.former if f != m.new_name]
        if province == m.new_name:
            head = (f"Từ 1/7/2025, tỉnh {m.new_name} mới gồm {', '.join(m.former)}. PAPI chưa có điểm{when} cho "
                    f"tỉnh mới: điểm đến 2024 vẫn tính riêng cho từng tỉnh cũ.")
        else:
            head = (f"Từ 1/7/2025, {province} không còn là tỉnh riêng: {', '.join(m.former)} hợp thành tỉnh "
                    f"{m.new_name}. PAPI chưa có điểm{when} cho tỉnh mới.")
        lines = [head, "", "Điểm gần nhất của các tỉnh cũ:"]
        choices: list[Choice] = []
        for former in m.former:
            latest = self._latest(former)
            row = self.table.get(former, latest) if latest else None
            if row is None or latest is None or row.total is None:
                continue
            group = self.table.group(former, latest)
            lines.append(f"• {former} {latest}: {render.number(row.total)} điểm, nhóm (tự tính) {group}")
            choices.append(Choice(f"{former} {latest}", f"/diem {former} {latest}"))
        if len(m.former) == 2:
            choices.append(Choice(f"So sánh {m.former[0]} và {m.former[1]}", f"/diem {m.former[0]} {m.former[1]}"))
        notes = [render.CAUTION + (m.caution or "") + (f" {COMPUTED}" if others else ""), render.REFORM + REFORM]
        sources = "; ".join([*m.sources, SOURCE_YEAR])
        text = "\n".join(lines) + "\n\n" + "\n".join(notes) + f"\n{render.SOURCE}{sources}"
        return Reply(text, tuple(choices), kind="decline")  # the new province has no score: what is known instead
