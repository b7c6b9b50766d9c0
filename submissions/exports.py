"""The scoreboard as an Excel workbook (the provincial sheet layout of ``reports.xlsx``)."""

import datetime
import io

from reports.xlsx import DECIMAL, INT, TEXT, Column, SheetSpec, write_workbook


def scoreboard_workbook(*, competition, board: dict) -> bytes:
    sheets = []
    for data in board["boards"].values():
        columns = [Column("排名", INT, 6), Column("单位", TEXT, 16)]
        for item in data["items"]:
            columns += [Column("指标值/得分", DECIMAL, 12, group=(f"{item.name}（{item.weight}分）",)),
                        Column("得分", DECIMAL, 9, group=(f"{item.name}（{item.weight}分）",))]
        columns += [Column("总分", DECIMAL, 10), Column("较上轮名次变化", TEXT, 12)]
        rows = []
        for row in data["rows"]:
            cells = []
            for cell in row.cells:
                cells += [cell.value if cell.value is not None else cell.score, cell.points]
            change = row.rank_change
            rows.append([row.rank, row.participant.name, *cells, row.total,
                         "—" if change is None else (f"{change:+d}" if change else "持平")])
        sheets.append(SheetSpec(name=data["label"][:31].replace("（", "").replace("）", ""),
                                title=f"{competition.name}（{data['label']}）", columns=columns, rows=rows,
                                unit="运城市乡村振兴局", date=datetime.date.today(),
                                period=f"{competition.year}年"))
    buffer = io.BytesIO()
    write_workbook(sheets, buffer)
    return buffer.getvalue()
