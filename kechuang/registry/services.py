"""Registry operations other apps call: registering an enterprise under the same rules as the
enterprise page, and telling a mistyped credit code from a new enterprise."""

import unicodedata

from rapidfuzz import fuzz, process

from kechuang.core import changelog
from kechuang.core.frames import read_frame
from kechuang.engines.uscc import ALPHABET
from kechuang.registry.choices import EnterpriseStatus
from kechuang.registry.forms import EnterpriseForm
from kechuang.registry.models import Enterprise, EnterpriseFormerName

CLOSE_NAME_SCORE = 90  # rapidfuzz ratio (0-100) from which two names count as one
FUZZY_LIMIT = 100  # unknown rows beyond this are matched exactly only (each costs ~30 ms)


class EnterpriseRefused(ValueError):
    """The enterprise cannot be registered as given; the message says why, in Chinese."""


def register_enterprise(
    values: dict, *, user, reason: str = "", founding_date_known: bool = True
) -> Enterprise:
    """Register a new enterprise through the enterprise form's rules, as the page, the
    registry import and the API do: the credit code's check character, a code already
    registered, the town within the user's scope, the industry class, and so on.

    `values` holds the form's fields (the town and industry by code). Statistics files carry
    no founding date: with `founding_date_known=False` it is left blank, to be filled in."""
    form = EnterpriseForm(data={"status": EnterpriseStatus.ACTIVE, **values}, user=user)
    if not founding_date_known:
        form.fields["founded_on"].required = False
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label}：{message}" if name in form.fields else message
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise EnterpriseRefused("；".join(problems))
    with changelog.recording(user, reason=reason):
        return form.save()


def name_key(name: str) -> str:
    """A name as compared: full-width folded, without spaces or bracket styles."""
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in "()（）")


def _neighbours(code: str) -> set[str]:
    """Codes one keying slip away: one character changed, or two adjacent ones swapped."""
    found = set()
    for i, char in enumerate(code):
        for other in ALPHABET:
            if other != char:
                found.add(code[:i] + other + code[i + 1 :])
        if i + 1 < len(code) and code[i + 1] != char:
            found.add(code[:i] + code[i + 1] + char + code[i + 2 :])
    return found


def suspected_typos(items: list[dict]) -> dict[str, str]:
    """Unregistered codes that are probably a registered enterprise's code mistyped.

    `items` are rows with `uscc` and `name`. A code is suspect when its name is a registered
    enterprise's current or former name, or close to one in characters, or when the code is
    one keying slip from a registered code. Returns code -> the message for the officer."""
    if not items:
        return {}
    registered = read_frame(Enterprise.objects.all(), ["uscc", "name"])
    by_key = {
        name_key(n): (n, c) for c, n in zip(registered["uscc"], registered["name"], strict=True)
    }
    names = [item["name"] for item in items if item.get("name")]
    former = {
        name_key(name): (current, code)
        for name, current, code in EnterpriseFormerName.objects.filter(name__in=names).values_list(
            "name", "enterprise__name", "enterprise__uscc"
        )
    }
    codes = set(registered["uscc"])
    keys = list(by_key)
    found = {}
    for index, item in enumerate(items):
        code, key = item["uscc"], name_key(item.get("name", ""))
        if key and key in by_key:
            name, other = by_key[key]
            found[code] = f"疑似代码有误：该名称已登记为“{name}”（{other}），请核对代码。"
        elif key and key in former:
            name, other = former[key]
            found[code] = (
                f"疑似代码有误：该名称是已登记企业“{name}”（{other}）的曾用名，请核对代码。"
            )
        elif near := sorted(_neighbours(code) & codes):
            name = registered.loc[registered["uscc"] == near[0], "name"].iloc[0]
            found[code] = (
                f"疑似代码有误：与已登记企业“{name}”的代码 {near[0]} 仅差一位，请核对；"
                "如确为另一家企业，请先在企业登记中新建后再导入。"
            )
        elif key and len(key) >= 4 and index < FUZZY_LIMIT and keys:
            best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=CLOSE_NAME_SCORE)
            if best is not None:
                name, other = by_key[best[0]]
                found[code] = (
                    f"疑似代码有误：该名称与已登记企业“{name}”（{other}）几乎相同，请核对代码和名称；"
                    "如确为另一家企业，请先在企业登记中新建后再导入。"
                )
    return found
