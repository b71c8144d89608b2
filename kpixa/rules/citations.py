"""Reasons with their legal source (docs/rules.md, "Evaluation of communes and leaders").

Every evaluation result carries reasons; a reason names the rule (a stable code), the article
or document it comes from, and a sentence in Vietnamese. Article and clause numbers are those read
in the texts; where a number was not read the citation says how the clause is reached (docs/rules.md,
"Sources read"). No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass

# Decree 335/2025/NĐ-CP (21/12/2025, in force 1/1/2026), article and clause as read in the text
# (docs/rules.md, "Sources read"): Article 12 the criteria (clause 2: general criteria, at most 30
# points; clause 3: results, at most 70, computed as Articles 13–16 say), Article 14 clause 2 the
# quantity, quality and timeliness of products, Article 20 the classes (clauses 1–3 the bands,
# clause 4 points a–d "không hoàn thành", clause 5 points a–b the excellent quota and its
# exception). The leader's own criteria (the unit's result, organising, uniting) are in one of
# Articles 13–16 whose number was not read: cited through Article 12 clause 3.
ND335 = "Nghị định 335/2025/NĐ-CP"
ND335_CLASSES = f"{ND335}, Điều 20"
ND335_BANDS = f"{ND335_CLASSES} khoản 1–3"
ND335_FAILED_POINTS = f"{ND335_CLASSES} khoản 4 điểm a"
ND335_FAILED_DEGRADATION = f"{ND335_CLASSES} khoản 4 điểm b"
ND335_FAILED_DISCIPLINE = f"{ND335_CLASSES} khoản 4 điểm c"
ND335_FAILED_CORRUPTION = f"{ND335_CLASSES} khoản 4 điểm d"
ND335_QUOTA = f"{ND335_CLASSES} khoản 5 điểm a"
ND335_QUOTA_EXCEPTION = f"{ND335_CLASSES} khoản 5 điểm b"
ND335_RESULTS = (
    f"{ND335}, Điều 12 khoản 3 (cách tính tại các Điều 13–16): tiêu chí kết quả thực hiện nhiệm vụ "
    "của công chức lãnh đạo, quản lý"
)
ND335_QUANTITY = f"{ND335}, Điều 14 khoản 2 điểm a (số lượng)"
ND335_QUALITY = f"{ND335}, Điều 14 khoản 2 điểm b (chất lượng: trừ 25% mỗi sai sót lớn)"
ND335_TIMELINESS = f"{ND335}, Điều 14 khoản 2 điểm c (tiến độ: trừ 25% mỗi lần chậm)"
ND335_UNIT_RESULT = f"{ND335_RESULTS} (kết quả hoạt động của cơ quan, đơn vị)"
ND335_ORGANISING = f"{ND335_RESULTS} (năng lực tổ chức thực hiện nhiệm vụ)"
ND335_UNITING = f"{ND335_RESULTS} (năng lực tập hợp, đoàn kết)"
ND335_SCALE = f"{ND335}, Điều 12 khoản 2 (tiêu chí chung tối đa 30 điểm) và khoản 3 (kết quả tối đa 70 điểm)"
ND335_USE = f"{ND335}, Điều 23 khoản 3"
# Regulation 366-QĐ/TW (30/8/2025; 4 chapters, 19 articles): Chapter III the quality evaluation on
# a 100-point common criteria frame, Article 11 the classes and their conditions (its clause
# numbers were not read: the class is named).
QD366 = "Quy định 366-QĐ/TW"
QD366_SCALE = f"{QD366}, Chương III (khung tiêu chí chung, thang 100 điểm)"
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
