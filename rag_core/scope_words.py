"""Words naming another statute's forum or instrument as a question's subject, and words naming the Act's.

The embedding puts a family court's mediation or a civil suit's limitation as near the Act's procedure as a
consumer's appeal, so the nearest examples decide those within a few hundredths. Naming another law's forum
(a civil court, a family court, a labour commissioner, a debt recovery tribunal), its instrument (a decree,
a sale deed, bail, an ITR, a GST return, a gazette notification) or a register of the state (a caste or
death certificate, a passport) is evidence the embedding does not weigh: it leans the decision out of
scope, unless the question also names the Act's own forums and terms or a trader the Act holds liable
(then the other law is in passing: stamp duty paid on a builder's flat, an FIR for a stolen car's claim).
Families written from the statutes, not from evaluation rows; docs/benchmarks.md measures them.
"""

from __future__ import annotations

import re

# the Act's own forums, authority and wrongs
CONSUMER_LAW = (
    r"consumer (commission|forum|court|case|complaint|protection|rights?|helpline)s?",
    r"(district|state|national) (consumer )?(commission|forum)",
    r"ncdrc|[ds]?cdrc",
    r"deficien(cy|t)",
    r"unfair (trade|contract|term)",
    r"restrictive trade",
    r"product liability",
    r"misleading (ad|advert)\w*",
    r"e-?commerce",
    r"ccpa|central (consumer )?protection authority",
    r"spurious",
    r"adulterat\w*",
    r"opposite party|(?<!information )(?<!election )commission",
)
# the traders and services the Act holds to account: naming one makes another law's word incidental
TRADERS = (
    r"builder|developer|seller|shopkeeper|dealer|manufacturer|showroom|courier|airline|insurer",
    r"service cent(re|er)|warranty|guarantee|insurance (company|claim)|online order|website|app|agency",
)
# other statutes' forums, instruments and registers, by family
OTHER_LAW = (
    # civil courts and property instruments
    r"civil (suit|court|judge)|(money|recovery|partition|eviction) suit|decree|injunction|stay order",
    r"partition|(sale|gift|partition|release) deed|mutation|stamp duty|sub.?registrar|ancestral",
    r"probate|succession|legal heir certificate|(registered|unregistered) will|will deed|wasiyat|vasiyat",
    # family law
    r"family court|divorce|talaq|alimony|dowry|domestic violence|498a|conjugal|adopt(ion)?",
    r"(child|children's|bachche ki|bachchon ki|police|judicial) custody",
    r"custody of (my |our |the )?(child|children|son|daughter|kids)",
    r"guardianship|iddat|marriage (registration|certificate)|register (our|my|the) marriage",
    # taxes
    r"income.?tax|itr|tds|capital gains?|80c|80d|hra|assessing officer|property tax",
    r"gst (council|return|registration|rate|slab)s?|gst\b.*\b(kitna|rate|registration|return)",
    # criminal law
    r"bail|jamanat|anticipatory|ipc|bns|crpc|sessions court|magistrate|charge.?sheet|saza|cyber (crime|cell)",
    # registers and documents of the state
    r"(birth|death|caste|income|domicile|disability) certificate|gazette|name change|uidai",
    r"passport (office|seva|renewal|verification|application)|renew (my |the )?passport|tatkal passport",
    r"police verification|pan (card|with aadhaar)|link(ing)? (my )?pan",
    r"aadhaar (card|update|enrolment|enrollment|address|correction)|aadhaar (me|mein)",
    r"voter|ration card|right to information|rti",
    # labour and service law
    r"labour (court|commissioner|department)|gratuity|e?pf|epfo|esic?|industrial dispute",
    r"transfer order|departmental (inquiry|enquiry)|probation|relieving letter",
    # rent and land
    r"rent control\w*|eviction|land acquisition|encroach\w*|kabza|sarpanch|panchayat|tehsildar",
    # other tribunals and courts
    r"debt recovery|drt|drat|nclt|nclat|motor accident claims?|mact|green tribunal|writ|slp|special leave",
    r"high court|commercial court|co-?operative societ(y|ies)",
    # intellectual property, companies and markets, environment, cheques
    r"trademark|patent|copyright|design registration|sebi|dividend|shareholder|partnership (firm|deed)",
    r"pollution control board|negotiable instruments|section 138",
)


def _compile(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b")


_CONSUMER = _compile(CONSUMER_LAW + TRADERS)
_OTHER = _compile(OTHER_LAW)


def names_other_law(text: str) -> bool:
    """True when the text names another law's forum or instrument and nothing of the Act's or a trader's."""
    lowered = text.lower()
    return bool(_OTHER.search(lowered)) and not _CONSUMER.search(lowered)
