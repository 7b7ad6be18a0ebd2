"""Excel imports of results, demands and experts (the contract lives in core.importing)."""

import re

from kechuang.core.importing import Column, ImportSpec, amount, choice, date_text, yes_no
from kechuang.engines.uscc import normalise as uscc_normalise
from kechuang.registry.importers import industry
from kechuang.registry.models import Enterprise, IndustryChain, Institution, Person
from kechuang.techmarket import choices, services
from kechuang.techmarket.forms import ExpertProfileForm, TechDemandForm, TechResultForm
from kechuang.techmarket.models import ExpertProfile, TechDemand, TechResult, split_keywords


def tech_field(text: str) -> str:
    """A 高新技术领域 by its code (8.5, or a third-level 8.5.2 read as its second level) or
    its second-level title, with or without the first level before it."""
    names = choices.field_names()
    code = ".".join(text.replace("．", ".").split(".")[:2])
    if code in names:
        return code
    for key, title in names.items():
        if text in (title, title.split("／")[-1]):
            return key
    raise ValueError("应为《国家重点支持的高新技术领域》的二级领域编号（如 8.5）或名称。")


def readiness(text: str) -> str:
    match = re.fullmatch(r"(?:TRL)?\s*([1-9])\s*级?", text.upper())
    if match is None:
        raise ValueError("技术成熟度应为 1 至 9 的整数（TRL1–TRL9）。")
    return match.group(1)


def institution_by_name(text: str) -> str:
    found = list(Institution.objects.filter(name=text).values_list("pk", flat=True)[:2])
    if len(found) != 1:
        raise ValueError(f"机构名录中没有名为“{text}”的机构，请先在“高校院所及平台”中登记。")
    return str(found[0])


def enterprise_by_name_or_code(text: str) -> str:
    code = uscc_normalise(text)
    found = (
        Enterprise.objects.filter(uscc=code).first() or Enterprise.objects.filter(name=text).first()
    )
    if found is None:
        raise ValueError(f"企业名录中没有“{text}”，请填写企业全称或统一社会信用代码。")
    return str(found.pk)


def transfer_modes(text: str) -> list[str]:
    by_label = {label: value for value, label in choices.TransferMode.choices}
    modes = []
    for word in split_keywords(text):
        if word not in by_label:
            raise ValueError(f"无效的转化方式“{word}”，可选：{'、'.join(by_label)}")
        modes.append(by_label[word])
    return modes


def chain_ids(text: str) -> list[str]:
    """Chains by name, or written as the pages show them ("高端智能装备 / 纺机"), separated
    by commas, 、 or semicolons."""
    ids = []
    for word in (w.strip() for w in re.split(r"[,，、;；\n]+", text or "")):
        if not word:
            continue
        *parent, name = (part.strip() for part in re.split(r"[/／]", word))
        rows = IndustryChain.objects.filter(name=name, is_active=True)
        if parent:
            rows = rows.filter(parent__name=parent[0])
        found = list(rows.values_list("pk", flat=True)[:2])
        if not found:
            raise ValueError(f"没有名为“{word}”的产业链。")
        if len(found) > 1:
            raise ValueError(f"有多条名为“{word}”的产业链，请写成“上级 / 名称”。")
        ids.append(str(found[0]))
    return ids


class TechResultImportSpec(ImportSpec):
    title = "科技成果"
    form_class = TechResultForm
    key_field = "title"
    key_label = "成果名称"
    columns = (
        Column("成果名称", "title", required=True, synonyms=("名称", "项目名称")),
        Column(
            "成果简介", "abstract", required=True, synonyms=("简介", "成果简介（公开）", "摘要")
        ),
        Column("保密内容", "confidential", help="仅科技局、成果方及其同意的企业可见"),
        Column(
            "技术领域",
            "field",
            required=True,
            help="高新技术领域二级编号或名称，如 8.5",
            parse=tech_field,
        ),
        Column("适用行业", "industry", help="GB/T 4754 小类代码或名称", parse=industry),
        Column("适用产业链", "chains", help="产业链名称，多个以顿号分隔", parse=chain_ids),
        Column("关键词", "keywords", help="以逗号或顿号分隔"),
        Column(
            "技术成熟度",
            "readiness",
            required=True,
            synonyms=("成熟度", "TRL"),
            help="1–9",
            parse=readiness,
        ),
        Column(
            "成果所有机构",
            "institution",
            synonyms=("所有单位", "完成单位"),
            help="机构全称（与所有企业二选一）",
            parse=institution_by_name,
        ),
        Column(
            "成果所有企业",
            "enterprise",
            help="企业全称或统一社会信用代码",
            parse=enterprise_by_name_or_code,
        ),
        Column("完成人", "inventors", synonyms=("发明人",)),
        Column(
            "转化方式",
            "modes",
            required=True,
            help="转让、许可、作价入股、合作开发，多个以顿号分隔",
            parse=transfer_modes,
        ),
        Column(
            "参考价格（万元）",
            "price",
            synonyms=("参考价格", "价格"),
            help="单位：万元",
            parse=amount(10_000, places=6),
        ),
        Column("价格面议", "price_negotiable", help="是/否", parse=yes_no),
        Column("联系人", "contact_person"),
        Column("联系电话", "contact_phone"),
        Column("发布", "publish", help="是：导入即发布；否或不填：存为草稿", parse=yes_no),
    )

    def find_existing(self, key: str):
        mine = TechResult.objects.restrict(self.user, "change").filter(title=key).first()
        if mine is not None:
            return mine, True
        return super().find_existing(key)

    def save(self, form) -> None:
        result = form.save()
        if form.data.get("publish") and result.status != choices.ResultStatus.PUBLISHED:
            services.publish_result(result, user=self.user)


class TechDemandImportSpec(ImportSpec):
    title = "技术需求"
    form_class = TechDemandForm
    key_field = "title"
    key_label = "需求名称"
    columns = (
        Column("需求名称", "title", required=True, synonyms=("名称", "需求")),
        Column(
            "需求企业",
            "enterprise",
            required=True,
            synonyms=("企业名称", "统一社会信用代码"),
            help="企业全称或统一社会信用代码",
            parse=enterprise_by_name_or_code,
        ),
        Column("问题描述", "problem", required=True, synonyms=("需求描述", "技术难题")),
        Column("期望目标", "desired_outcome", synonyms=("预期目标",)),
        Column("约束条件", "constraints"),
        Column(
            "预算（万元）",
            "budget",
            synonyms=("预算", "拟投入资金（万元）"),
            help="单位：万元",
            parse=amount(10_000, places=6),
        ),
        Column("期望完成日期", "deadline", synonyms=("截止日期",), parse=date_text),
        Column("技术领域", "field", help="高新技术领域二级编号或名称", parse=tech_field),
        Column("所属行业", "industry", help="不填则用企业所属行业", parse=industry),
        Column("所属产业链", "chains", parse=chain_ids),
        Column("关键词", "keywords"),
        Column("可接受的最低成熟度", "min_readiness", synonyms=("最低成熟度",), parse=readiness),
        Column(
            "公开范围",
            "visibility",
            help="公开、仅科技局可见；不填为公开",
            parse=choice(choices.Visibility),
        ),
        Column("联系人", "contact_person"),
        Column("联系电话", "contact_phone"),
        Column("发布", "publish", help="是：导入即发布征集；否或不填：存为草稿", parse=yes_no),
    )

    def find_existing(self, key: str):
        mine = TechDemand.objects.restrict(self.user, "change").filter(title=key).first()
        if mine is not None:
            return mine, True
        return super().find_existing(key)

    def save(self, form) -> None:
        demand = form.save()
        if form.data.get("publish") and demand.status == choices.DemandStatus.DRAFT:
            services.open_demand(demand, user=self.user)


class ExpertProfileImportSpec(ImportSpec):
    title = "专家库"
    form_class = ExpertProfileForm
    key_field = "person"
    key_is_an_id = True
    key_label = "姓名"
    columns = (
        Column(
            "姓名", "person", required=True, help="人员库中已登记的姓名；重名时写“姓名（所在单位）”"
        ),
        Column("技术领域", "field", required=True, parse=tech_field),
        Column("熟悉行业", "industry", parse=industry),
        Column("熟悉产业链", "chains", parse=chain_ids),
        Column("专长关键词", "keywords", required=True, synonyms=("关键词", "研究方向")),
        Column("代表性成果与论著", "works", synonyms=("代表性成果", "论著")),
        Column("简介", "bio"),
        Column("接受对接", "accepts_matching", help="是/否；不填为是", parse=yes_no),
    )

    def normalise_key(self, value: str) -> str:
        """The person's id, from 姓名 or 姓名（单位）; unknown or ambiguous names stay as typed
        and are refused by the form."""
        value = value.strip()
        match = re.fullmatch(r"(.+?)[（(](.+)[)）]", value)
        name, place = (match.group(1), match.group(2)) if match else (value, "")
        people = Person.objects.restrict(self.user, "change").filter(name=name, is_active=True)
        if place:
            people = people.filter(institution__name=place) | people.filter(enterprise__name=place)
        found = list(people.values_list("pk", flat=True)[:2])
        return str(found[0]) if len(found) == 1 else value

    def find_existing(self, key: str):
        if not key.isdigit():
            return None, True
        profile = ExpertProfile.objects.filter(person_id=int(key)).first()
        if profile is None:
            return None, True
        allowed = ExpertProfile.objects.restrict(self.user, "change").filter(pk=profile.pk).exists()
        return profile, allowed
