"""The codes of the national portal's dossier record, as enums (docs/rules.md, "Codes").

``TrangThaiHoSo`` (dossier status) and ``KenhThucHien`` (channel) are integers in the record;
the enums are ``IntEnum`` so a stored or parsed integer compares equal to its member. The labels
are the portal's Vietnamese names, kept as data; the pages translate them through the
gettext-marked copy in ``kpixa.dossiers.records.STATUS_NAMES`` (a test keeps the two equal).
No Django here.
"""

from __future__ import annotations

from enum import IntEnum


class DossierStatus(IntEnum):
    """TrangThaiHoSo: the status of a dossier (or of one of its processing steps)."""

    label: str

    def __new__(cls, value: int, label: str) -> DossierStatus:
        member = int.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    NEW = 1, "Mới đăng ký"
    RECEIVED = 2, "Được tiếp nhận"
    NOT_RECEIVED = 3, "Không được tiếp nhận"
    PROCESSING = 4, "Đang xử lý"
    SUPPLEMENT_REQUESTED = 5, "Yêu cầu bổ sung giấy tờ"
    FINANCIAL_OBLIGATION = 6, "Yêu cầu thực hiện nghĩa vụ tài chính"
    WITHDRAWN = 7, "Công dân yêu cầu rút hồ sơ"
    STOPPED = 8, "Dừng xử lý"
    PROCESSED = 9, "Đã xử lý xong"
    RETURNED = 10, "Đã trả kết quả"


class Channel(IntEnum):
    """KenhThucHien: how the dossier was submitted (empty in the record means in person)."""

    label: str

    def __new__(cls, value: int, label: str) -> Channel:
        member = int.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    IN_PERSON = 1, "Trực tiếp"
    ONLINE = 2, "Trực tuyến"
    POSTAL = 3, "Qua dịch vụ bưu chính công ích"


S = DossierStatus
# Statuses whose step ends processing, in the order of precedence the end-of-processing rule
# reads the steps: processed, returned, stopped, not received, withdrawn.
END_STATUSES: tuple[DossierStatus, ...] = (S.PROCESSED, S.RETURNED, S.STOPPED, S.NOT_RECEIVED, S.WITHDRAWN)
# A dossier in one of these statuses is finished: it must carry an end of processing.
FINISHED_STATUSES: frozenset[DossierStatus] = frozenset(END_STATUSES)
# Finished without a result for the citizen: refused at receipt, withdrawn, stopped.
REFUSED_OR_WITHDRAWN: frozenset[DossierStatus] = frozenset({S.NOT_RECEIVED, S.WITHDRAWN, S.STOPPED})
# Finished with a result: processed, or processed and handed back.
WITH_RESULT: frozenset[DossierStatus] = frozenset({S.PROCESSED, S.RETURNED})
STATUS_VALUES: tuple[int, ...] = tuple(int(s) for s in DossierStatus)
CHANNEL_VALUES: tuple[int, ...] = tuple(int(c) for c in Channel)
