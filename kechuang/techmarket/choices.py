from functools import cache

from django.db import models

from kechuang.engines.recognition.domains import domains


class ResultStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class TransferMode(models.TextChoices):
    TRANSFER = "transfer", "转让"
    LICENSE = "license", "许可"
    EQUITY = "equity", "作价入股"
    JOINT = "joint", "合作开发"


class PatentKind(models.TextChoices):
    INVENTION = "invention", "发明专利"
    UTILITY = "utility", "实用新型"
    DESIGN = "design", "外观设计"
    SOFTWARE = "software", "软件著作权"
    LAYOUT = "layout", "集成电路布图设计"
    VARIETY = "variety", "植物新品种"
    OTHER = "other", "其他"


# The kinds numbered as patent applications, with a check character.
PATENT_KINDS = (PatentKind.INVENTION, PatentKind.UTILITY, PatentKind.DESIGN)


class PatentStatus(models.TextChoices):
    FILED = "filed", "已申请"
    GRANTED = "granted", "已授权"
    LAPSED = "lapsed", "已失效"


class DisclosureStatus(models.TextChoices):
    REQUESTED = "requested", "待成果方同意"
    APPROVED = "approved", "已同意"
    DECLINED = "declined", "未同意"
    REVOKED = "revoked", "已收回"


class DemandStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "征集中"
    SOLVED = "solved", "已解决"
    CLOSED = "closed", "已关闭"


class Visibility(models.TextChoices):
    PUBLIC = "public", "公开"
    BUREAU = "bureau", "仅科技局可见"


class CandidateKind(models.TextChoices):
    RESULT = "result", "科技成果"
    EXPERT = "expert", "专家"
    INSTITUTION = "institution", "机构"


class MatchStatus(models.TextChoices):
    """proposed → contacted → negotiating → contracted; declined from any open stage."""

    PROPOSED = "proposed", "已推荐"
    CONTACTED = "contacted", "已联系"
    NEGOTIATING = "negotiating", "洽谈中"
    CONTRACTED = "contracted", "已签约"
    DECLINED = "declined", "未成"


OPEN_MATCH_STATUSES = (MatchStatus.PROPOSED, MatchStatus.CONTACTED, MatchStatus.NEGOTIATING)
MATCH_FLOW = {
    MatchStatus.PROPOSED: (MatchStatus.CONTACTED, MatchStatus.DECLINED),
    MatchStatus.CONTACTED: (MatchStatus.NEGOTIATING, MatchStatus.DECLINED),
    MatchStatus.NEGOTIATING: (MatchStatus.CONTRACTED, MatchStatus.DECLINED),
    MatchStatus.CONTRACTED: (),
    MatchStatus.DECLINED: (),
}


class MatchSource(models.TextChoices):
    ENGINE = "engine", "智能匹配"
    EVENT = "event", "对接会"
    MANUAL = "manual", "人工推荐"


class EventStatus(models.TextChoices):
    PLANNED = "planned", "筹备中"
    HELD = "held", "已举办"
    CANCELLED = "cancelled", "已取消"


class ParticipantKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INSTITUTION = "institution", "高校院所"
    EXPERT = "expert", "专家"
    BANK = "bank", "银行"
    FUND = "fund", "投资基金"
    BROKER = "broker", "技术经纪人/服务机构"
    OTHER = "other", "其他"


class Invitation(models.TextChoices):
    INVITED = "invited", "已邀请"
    ACCEPTED = "accepted", "确认参加"
    DECLINED = "declined", "不参加"


class PairingOutcome(models.TextChoices):
    TALKED = "talked", "已对接"
    INTENT = "intent", "达成意向"
    SIGNED = "signed", "现场签约"
    NONE = "none", "未达成"


@cache
def field_names() -> dict[str, str]:
    """Second-level 高新技术领域 codes and their titles: 8.5 -> 先进制造与自动化／…"""
    names = {}
    for domain in domains().values():
        code = ".".join(domain.code.split(".")[:2])
        names.setdefault(
            code, f"{domain.level1}／{domain.level2}" if domain.level2 else domain.level1
        )
    return dict(sorted(names.items(), key=lambda item: [int(p) for p in item[0].split(".")]))


def field_name(code: str) -> str:
    return field_names().get(code, code)
