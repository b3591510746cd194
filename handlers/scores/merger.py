"""The 2025 province mergers: the province people name may be gone, or a new one. Once an edition on the
34-province map is imported, the new province's card answers (its scores, then its former provinces'); until
then the answer says the results are not yet published or imported, and gives the former provinces' latest
scores, each labelled as a former province."""

from __future__ import annotations

from content.normalize import normalize
from content.scores import map_size
from handlers.core import render
from handlers.core.messages import Choice, Reply
from handlers.scores.card import ScoreCard
from handlers.scores.lookup import COMPUTED, NOT_YET


class Mergers(ScoreCard):
    def merger(self, province: str, year: int | None) -> Reply:
        new = self._new(province)
        scored = [y for y in self.table.new_map_years if year is None or y == year]
        if new is not None and scored and self.table.get(new.name, scored[-1]) is not None:
            card = self.card(new.name, scored[-1])
            if province == new.name:
                return card
            joined = "thuộc" if new.merged else "mang tên"
            head = f"Từ 1/7/2025, {province} {joined} {new.name}; điểm PAPI {scored[-1]} là của {new.name}."
            return Reply(f"{head}\n\n{card.text}", card.choices)
        when = f" năm {year}" if year else ""
        if new is None or new.former == (new.name,):
            span = f"{self.table.years[0]} đến {self.table.years[-1]}"
            text = (f"Kết quả PAPI{when} {NOT_YET}. Dữ liệu của {province} có từ {span}."
                    f"\n\n{render.REFORM}{self._reform(province)}\n{render.SOURCE}{self.table.source(None)}")
            latest = self._latest(province)
            offer = (Choice(f"{province} {latest}", f"/diem {province} {latest}"),) if latest else ()
            return Reply(text, offer, kind="decline")
        if year is not None and map_size(year) == 63:
            published = f"PAPI {year} chấm theo 63 tỉnh cũ, nên chưa có điểm {year} cho tỉnh mới."
        else:
            published = f"Kết quả PAPI{when or ' theo tỉnh mới'} {NOT_YET}, nên chưa có điểm cho tỉnh mới."
        if province == new.name:
            head = (f"Từ 1/7/2025, tỉnh {new.name} mới gồm {', '.join(new.former)}. {published} Điểm đến 2024 "
                    "tính riêng cho từng tỉnh cũ.")
        elif new.merged:
            head = (f"Từ 1/7/2025, {province} không còn là tỉnh riêng: {', '.join(new.former)} hợp thành tỉnh "
                    f"{new.name}. {published}")
        else:
            head = f"Từ 1/7/2025, {province} mang tên {new.name}. {published}"
        lines = [head, "", "Điểm gần nhất của các tỉnh cũ (mỗi tỉnh tính riêng):"]
        choices: list[Choice] = []
        years: list[int] = []
        for former in new.former:
            row = self._former_latest(former)
            if row is None or row.total is None:
                continue
            group = self.table.group(former, row.year)
            lines.append(f"• {former} (tỉnh cũ) {row.year}: {render.number(row.total)} điểm, nhóm (tự tính) {group}")
            choices.append(Choice(f"{former} {row.year}", f"/diem {former} {row.year}"))
            years.append(row.year)
        scored_new = [y for y in self.table.new_map_years if self.table.get(new.name, y) is not None]
        if scored_new:  # a later year asked: the new province's own latest edition is there
            choices.insert(0, Choice(f"{new.name} {scored_new[-1]}", f"/diem {new.name} {scored_new[-1]}"))
        if len(new.former) == 2:
            choices.append(Choice(f"So sánh {new.former[0]} và {new.former[1]}",
                                  f"/diem {new.former[0]} {new.former[1]}"))
        curated = self._notes.get(normalize(province))
        caution = (curated.caution or "") + " " if curated else ""
        notes = [render.CAUTION + caution + self._computed(max(years, default=2024), COMPUTED),
                 render.REFORM + self._reform(province)]
        cited = [*(curated.sources if curated else []), self.table.map.source, *(self.table.source(y) for y in years)]
        text = "\n".join(lines) + "\n\n" + "\n".join(notes) + f"\n{render.SOURCE}{'; '.join(dict.fromkeys(cited))}"
        return Reply(text, tuple(choices), kind="decline")  # the new province has no score: what is known instead
