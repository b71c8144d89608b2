"""Reasons with their legal source (docs/rules.md, "Evaluation of communes and leaders").

Every evaluation result carries reasons; a reason names the rule (a stable code), the article
or document it comes from, and a sentence in Vietnamese. Article numbers appear only where the
text was read; otherwise the clause is described and the docs say so. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass

# Decree 335/2025/NĐ-CP (21/12/2025, in force 1/1/2026). The article numbers were not read
# (only the wording of the clauses): the clause is named by its content.
ND335 = "Nghị định 335/2025/NĐ-CP"
ND335_CLASSES = f"{ND335}, điều về mức xếp loại chất lượng công chức"
ND335_FAILED_POINTS = f"{ND335_CLASSES}, khoản 4 điểm a"
ND335_FAILED_DEGRADATION = f"{ND335_CLASSES}, khoản 4 điểm b"
ND335_FAILED_DISCIPLINE = f"{ND335_CLASSES}, khoản 4 điểm c"
ND335_FAILED_CORRUPTION = f"{ND335_CLASSES}, khoản 4 điểm d"
ND335_QUOTA = f"{ND335_CLASSES}, khoản 5 điểm a"
ND335_QUOTA_EXCEPTION = f"{ND335_CLASSES}, khoản 5 điểm b"
ND335_RESULTS = f"{ND335}, điều về tiêu chí kết quả thực hiện nhiệm vụ của công chức lãnh đạo, quản lý"
ND335_QUANTITY = f"{ND335_RESULTS} (số lượng)"
ND335_QUALITY = f"{ND335_RESULTS} (chất lượng: trừ 25% mỗi sai sót lớn)"
ND335_TIMELINESS = f"{ND335_RESULTS} (tiến độ: trừ 25% mỗi lần chậm)"
ND335_UNIT_RESULT = f"{ND335_RESULTS} (kết quả hoạt động của cơ quan, đơn vị)"
ND335_ORGANISING = f"{ND335_RESULTS} (năng lực tổ chức thực hiện nhiệm vụ)"
ND335_SCALE = f"{ND335} (thang 100 điểm: tiêu chí chung 30, kết quả 70)"
# Regulation 366-QĐ/TW (30/8/2025): Article 11 holds the classes and their conditions.
QD366 = "Quy định 366-QĐ/TW"
QD366_SCALE = f"{QD366} (thang 100 điểm: 30 + 70)"
QD366_EXCELLENT = f"{QD366}, Điều 11 (hoàn thành xuất sắc nhiệm vụ)"
QD366_GOOD = f"{QD366}, Điều 11 (hoàn thành tốt nhiệm vụ)"
QD366_COMPLETED = f"{QD366}, Điều 11 (hoàn thành nhiệm vụ)"
QD366_FAILED = f"{QD366}, Điều 11 (không hoàn thành nhiệm vụ)"
# Regulation 377-QĐ/TW (8/10/2025), chapter on relief, resignation and dismissal (as reported).
QD377 = "Quy định 377-QĐ/TW"
QD377_RELIEF = f"{QD377}, chương cho thôi giữ chức vụ, từ chức, miễn nhiệm"
KPIXA = "kpixa (quy ước của phần mềm)"


@dataclass(frozen=True)
class Reason:
    """Why a rule gave its result: the rule's code, its source and a Vietnamese sentence."""

    rule: str
    article: str
    text: str

    def as_dict(self) -> dict[str, str]:
        """The reason as stored and exported."""
        return {"rule": self.rule, "article": self.article, "text": self.text}

    def __str__(self) -> str:
        return f"{self.text} ({self.article})"
