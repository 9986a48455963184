"""The starter license catalogue loaded by `manage.py seed`: which licenses found on model hubs
the hub acts on, and which clauses a report may cite. Summaries are our own words; `url` and
`source_url` link to the source text, which is never copied here."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ClauseSpec:
    ref: str  # stable short reference, e.g. "AUP 1.a", "Att. A (a)", "§4(d)"; unique within its license
    summary: str  # one or two sentences, OUR OWN WORDS, plain language; never quote license text
    actionable: bool  # True when a report citing it can be decided consistently (clear, verifiable)
    categories: tuple[str, ...]  # report categories it can ground, from CATEGORY_KEYS below
    source_url: str = ""  # link to where the clause is in the source text (can equal the license url)


@dataclass(frozen=True)
class LicenseSpec:
    key: str  # the hub's license key (lowercase, as on Hugging Face), e.g. "llama3.1"
    name: str
    spdx_id: str  # SPDX identifier where one exists, else ""
    url: str  # canonical URL of the license text
    version: str  # version string, e.g. "2.0", "3.1", "" if none
    actionable: bool  # True if the hub acts on at least one of its clauses
    rationale: str  # 2-4 sentences, plain language: why it is (or is not) actionable, and for what
    contact: str = ""  # where enforcement questions go (licensor's published contact/URL), "" if none known
    clauses: tuple[ClauseSpec, ...] = ()


# The report categories, in the order intake lists them (reports.categories; a test keeps them equal).
CATEGORY_KEYS = (
    "copyright",
    "illegal_content",
    "license_violation",
    "private_information",
    "malicious_code",
    "child_safety",
    "acceptable_use",
    "spam",
    "other",
)

# --- Building blocks shared by several licenses (private: the seed only reads CATALOGUE) -------------------------

_LV = "license_violation"


def _clause(ref: str, summary: str, actionable: bool, other: str = "", source_url: str = "") -> ClauseSpec:
    """A clause grounding `license_violation`, plus the closest other report category when there is one."""
    categories = (_LV, other) if other else (_LV,)
    return ClauseSpec(ref=ref, summary=summary, actionable=actionable, categories=categories, source_url=source_url)


# Paragraph 4 of the OpenRAIL-M family (CreativeML, BigScience, RAIL++-M, BLOOM RAIL): redistribution conditions.
_RAIL_DISTRIBUTION: tuple[tuple[str, str, bool], ...] = (
    (
        "§4(a)",
        "Anyone who distributes the model or a derivative, including as a hosted service, must make the "
        "Attachment A use restrictions an enforceable part of their own terms and tell recipients they apply. "
        "A derivative republished under terms without them (e.g. plain MIT) is checkable.",
        True,
    ),
    (
        "§4(b)",
        "Recipients of the model or a derivative must be given a copy of the license. A redistributing "
        "repository with neither the license text nor a link to it is checkable.",
        True,
    ),
    (
        "§4(c)",
        "Modified files must carry a prominent note that they were changed. Not decided by the hub: weight "
        "files cannot carry such notes and practice varies; a model card naming the base model is treated as enough.",
        False,
    ),
    (
        "§4(d)",
        "Redistributions must keep the original copyright, patent, trademark and attribution notices that apply "
        "to the model. Stripping them from a re-upload or derivative is checkable.",
        True,
    ),
)

# Attachment A use restrictions of the OpenRAIL-M family, by topic: (summary, actionable, closest other category).
_RAIL_USE: dict[str, tuple[str, bool, str]] = {
    "law": (
        "Bars any use that breaks applicable law. Not decided by the hub on its own: it names no specific "
        "conduct and legality varies by country; a report should cite a concrete restriction or use illegal_content.",
        False,
        "illegal_content",
    ),
    "minors": (
        "Bars using the model to exploit or harm minors. Decided when the repository shows that aim, e.g. a "
        "model card, examples or a demo meant to sexualise, groom or target children.",
        True,
        "child_safety",
    ),
    "false-info": (
        "Bars generating or spreading content known to be false in order to harm others. Decided when the "
        "repository presents the model as a tool for harmful disinformation, such as fake news about real people.",
        True,
        "spam",
    ),
    "personal-data": (
        "Bars generating or spreading personal data that can be used to hurt someone. Decided when the "
        "repository advertises doxxing, re-identification or extraction of people's data, or its examples show it.",
        True,
        "private_information",
    ),
    "machine-disclosure": (
        "Bars publishing machine-generated content (posts, articles, bot messages) without clearly saying it is "
        "machine-generated. Not decided: it turns on how outputs are used elsewhere, which a repository does not show.",
        False,
        "acceptable_use",
    ),
    "harassment": (
        "Bars using the model to defame, disparage or harass people. Decided for harassment when the repository "
        "advertises targeting or abusing people; whether an output is defamatory needs a legal finding, not decided.",
        True,
        "acceptable_use",
    ),
    "impersonation": (
        "Bars impersonating others without their consent, deepfakes included. Decided when the repository is "
        "built to imitate a specific real person's face, voice or identity; the uploader can answer with consent.",
        True,
        "acceptable_use",
    ),
    "impersonation-any": (
        "Bars impersonating, or trying to impersonate, others. Decided when the repository is built to imitate a "
        "specific real person's identity, voice or writing so as to pass as them.",
        True,
        "acceptable_use",
    ),
    "automated-decisions": (
        "Bars fully automated decisions that hurt a person's legal rights or create binding obligations. Not "
        "decided: whether a human stays in the loop depends on the deployment, which a repository does not show.",
        False,
        "acceptable_use",
    ),
    "social-scoring": (
        "Bars uses meant to, or that end up, discriminating against or harming people for their social behaviour "
        "or personal traits. Not decided: judging intent or downstream effect needs facts the hub does not have.",
        False,
        "acceptable_use",
    ),
    "vulnerable-groups": (
        "Bars exploiting a group's vulnerabilities (age, social, physical or mental traits) to distort their "
        "behaviour in harmful ways. Not decided: proving intent and harm needs evidence beyond the repository.",
        False,
        "acceptable_use",
    ),
    "protected-groups": (
        "Bars uses meant to, or that end up, discriminating on legally protected grounds. Not decided as a "
        "license matter: effect and protected status depend on deployment and jurisdiction.",
        False,
        "acceptable_use",
    ),
    "medical-advice": (
        "Bars giving medical advice or interpreting medical results. Decided when the repository or its demo "
        "offers the model to people as a diagnosis, treatment or test-reading tool; medical research alone is fine.",
        True,
        "acceptable_use",
    ),
    "justice": (
        "Bars producing information for justice, policing, immigration or asylum decisions, such as predicting "
        "who will offend. Decided when the repository presents the model for crime, fraud or recidivism prediction.",
        True,
        "acceptable_use",
    ),
}

# Attachment A, in the order each text lists it (the clause letter is the position in this order).
_CREATIVEML_TOPICS = (
    "law",
    "minors",
    "false-info",
    "personal-data",
    "harassment",
    "automated-decisions",
    "social-scoring",
    "vulnerable-groups",
    "protected-groups",
    "medical-advice",
    "justice",
)
_BIGSCIENCE_TOPICS = (
    "law",
    "minors",
    "false-info",
    "personal-data",
    "machine-disclosure",
    "harassment",
    "impersonation",
    "automated-decisions",
    "social-scoring",
    "vulnerable-groups",
    "protected-groups",
    "medical-advice",
    "justice",
)
_BLOOM_TOPICS = (
    "law",
    "minors",
    "false-info",
    "personal-data",
    "machine-disclosure",
    "harassment",
    "impersonation-any",
    "automated-decisions",
    "social-scoring",
    "vulnerable-groups",
    "protected-groups",
    "medical-advice",
    "justice",
)


def _rail_clauses(url: str, topics: tuple[str, ...], *, lettered: bool = True) -> tuple[ClauseSpec, ...]:
    """Paragraph 4 conditions plus Attachment A restrictions, refs "Att. A (a)"... or "Att. A <topic>"."""
    clauses = [_clause(ref, summary, actionable, source_url=url) for ref, summary, actionable in _RAIL_DISTRIBUTION]
    for index, topic in enumerate(topics):
        summary, actionable, other = _RAIL_USE[topic]
        ref = f"Att. A ({chr(ord('a') + index)})" if lettered else f"Att. A {topic}"
        clauses.append(_clause(ref, summary, actionable, other, url))
    return tuple(clauses)


def _llama_aup(url: str, *, revised: bool) -> tuple[ClauseSpec, ...]:
    """The Llama Acceptable Use Policy. `revised` is the Llama 3.2 / 3.3 / 4 text, which adds 1.h, 5 and the EU
    paragraph and extends 2.a to biological and chemical weapons."""
    weapons = " and biological or chemical weapons" if revised else ""
    items: list[tuple[str, str, bool, str]] = [
        (
            "AUP 1.a.i",
            "Bars using the model for violence or terrorism. Decided when the repository presents the model for "
            "planning attacks or producing terrorist propaganda, through its card, examples or demo.",
            True,
            "acceptable_use",
        ),
        (
            "AUP 1.a.ii",
            "Bars any use that exploits or harms children, including making or spreading child sexual abuse "
            "material. Decided when the repository shows that aim or its examples contain such content.",
            True,
            "child_safety",
        ),
        (
            "AUP 1.a.iii",
            "Bars use for human trafficking, exploitation or sexual violence. Decided when the repository presents "
            "the model as a tool for recruiting, advertising or coercing victims.",
            True,
            "acceptable_use",
        ),
        (
            "AUP 1.a.iv",
            "Bars illegally giving minors obscene or restricted material, or skipping legally required age checks. "
            "Not decided: the law differs by country and age-gating happens in deployments the hub cannot see.",
            False,
            "child_safety",
        ),
        (
            "AUP 1.a.v",
            "Bars sexual solicitation. Not decided: what counts, and whether it is unlawful, varies by jurisdiction, "
            "and an adult chat or role-play model is not by itself solicitation.",
            False,
            "acceptable_use",
        ),
        (
            "AUP 1.a.vi",
            "Bars any other criminal activity. Not decided: a catch-all naming no specific conduct; a report should "
            "cite a concrete item or use the illegal_content category.",
            False,
            "illegal_content",
        ),
        (
            "AUP 1.b",
            "Bars harassing, threatening, abusing or bullying people. Decided when the repository advertises the "
            "model for targeting or abusing individuals or groups, or its examples do so.",
            True,
            "acceptable_use",
        ),
        (
            "AUP 1.c",
            "Bars discrimination or other unlawful conduct in jobs, credit, housing or other essential goods and "
            "services. Not decided: it depends on how a deployer uses outputs and on anti-discrimination law.",
            False,
            "acceptable_use",
        ),
        (
            "AUP 1.d",
            "Bars the unlicensed practice of regulated professions such as law, medicine or finance. Not decided: "
            "licensing rules differ by place and the breach happens in deployment, not in the repository.",
            False,
            "acceptable_use",
        ),
        (
            "AUP 1.e",
            "Bars collecting, inferring or disclosing sensitive information about people (health, identity, "
            "demographics) without a legal right. Decided when the repository advertises doing so to real people.",
            True,
            "private_information",
        ),
        (
            "AUP 1.f",
            "Bars infringing or misappropriating third-party rights, outputs included. Not decided as a license "
            "violation: a rights claim needs the rights holder, who should report under the copyright category.",
            False,
            "copyright",
        ),
        (
            "AUP 1.g",
            "Bars creating malware, viruses or other code meant to disable or damage systems. Decided when the "
            "repository advertises or demonstrates generating malicious code, or ships such code.",
            True,
            "malicious_code",
        ),
    ]
    if revised:
        items.append(
            (
                "AUP 1.h",
                "Bars deliberately circumventing or removing usage restrictions or safety measures, or re-enabling "
                "disabled functions. Not decided: whether fine-tuning away refusals counts is disputed; Meta can act.",
                False,
                "acceptable_use",
            )
        )
    items += [
        (
            "AUP 2.a",
            f"Bars military, warfare, nuclear or espionage uses, and uses tied to ITAR-controlled items{weapons}. "
            "Decided when the repository presents the model for weapons, targeting or spying; export status is not.",
            True,
            "acceptable_use",
        ),
        (
            "AUP 2.b",
            "Bars use for guns and illegal weapons, including building weapons. Decided when the repository "
            "advertises help with making or acquiring them.",
            True,
            "acceptable_use",
        ),
        (
            "AUP 2.c",
            "Bars use for illegal drugs and controlled substances. Decided when the repository advertises help with "
            "synthesising, sourcing or selling them.",
            True,
            "acceptable_use",
        ),
        (
            "AUP 2.d",
            "Bars using the model to operate critical infrastructure, transport technology or heavy machinery. Not "
            "decided: it concerns deployments the hub cannot observe.",
            False,
            "acceptable_use",
        ),
        (
            "AUP 2.e",
            "Bars promoting self-harm or harm to others, such as suicide, cutting or eating disorders. Decided when "
            "the repository presents the model as encouraging or instructing self-harm.",
            True,
            "acceptable_use",
        ),
        (
            "AUP 2.f",
            "Bars content meant to incite or promote violence or bodily harm against a person. Decided when the "
            "repository advertises producing such content or its examples do.",
            True,
            "acceptable_use",
        ),
        (
            "AUP 3.a",
            "Bars fraud and creating or promoting disinformation. Decided when the repository presents the model as "
            "a scam, phishing-lure or disinformation generator.",
            True,
            "spam",
        ),
        (
            "AUP 3.b",
            "Bars producing defamatory statements, images or other content. Not decided: whether content is "
            "defamatory needs a legal finding about its truth and harm.",
            False,
            "acceptable_use",
        ),
        (
            "AUP 3.c",
            "Bars generating or distributing spam. Decided when the repository advertises bulk unsolicited "
            "messaging or similar.",
            True,
            "spam",
        ),
        (
            "AUP 3.d",
            "Bars impersonating someone without consent, authorisation or legal right. Decided when the repository "
            "is built to pass as a specific real person; the uploader can answer with evidence of consent.",
            True,
            "acceptable_use",
        ),
        (
            "AUP 3.e",
            "Bars claiming that use of the model, or its output, is human-made. Not decided: such claims are made "
            "where outputs are published, not in the repository.",
            False,
            "spam",
        ),
        (
            "AUP 3.f",
            "Bars fake online engagement such as fake reviews. Decided when the repository advertises generating "
            "fake reviews, followers, likes or comments.",
            True,
            "spam",
        ),
        (
            "AUP 4",
            "Requires telling end users about known dangers of an AI system built on the model. Not decided: what "
            "counts as appropriate disclosure is vague and concerns deployed systems.",
            False,
            "acceptable_use",
        ),
    ]
    if revised:
        items += [
            (
                "AUP 5",
                "Bars using the model with third-party tools built for unlawful or harmful output, or presenting "
                "such tools' output as linked to Meta or Llama. Not decided: too broad to apply from a repository.",
                False,
                "acceptable_use",
            ),
            (
                "AUP EU",
                "Withholds the license for the multimodal models from individuals living in, and companies based "
                "in, the EU (end users of products built on them are exempt). Not decided: domicile is unverifiable.",
                False,
                "",
            ),
        ]
    return tuple(_clause(ref, summary, actionable, other, url) for ref, summary, actionable, other in items)


_LLAMA_MAU = (
    "Licensees whose products had over 700 million monthly active users at the version's release must get a "
    "separate license from Meta. Not decided: the hub cannot verify user counts; this is between Meta and them."
)


def _llama_terms(url: str) -> tuple[ClauseSpec, ...]:
    """Sections 1.b and 2 of the Llama 3.1, 3.2, 3.3 and 4 community licenses, which read alike."""
    return (
        _clause(
            "§1.b.i(A)",
            "Anyone distributing the Llama materials, a derivative, or a product or model containing them must "
            "include a copy of the license agreement. A redistributing repository without it is checkable.",
            True,
            source_url=url,
        ),
        _clause(
            "§1.b.i(B)",
            "Distributors must prominently show 'Built with Llama' on a related website, interface, blog post or "
            "documentation. Not decided: it may be shown on a site the hub cannot see.",
            False,
            source_url=url,
        ),
        _clause(
            "§1.b.i naming",
            "A distributed AI model made or improved with the Llama materials or their outputs must have a name "
            "that begins with 'Llama'. A derivative published under a name that does not is checkable.",
            True,
            source_url=url,
        ),
        _clause(
            "§1.b.iii",
            "Distributed copies must include a 'Notice' text file carrying Meta's attribution statement for this "
            "Llama version. A re-upload or derivative without it is checkable.",
            True,
            source_url=url,
        ),
        _clause("§2", _LLAMA_MAU, False, source_url=url),
    )


def _llama_rationale(version: str) -> str:
    return (
        f"The Llama {version} Community License allows use, modification and redistribution, but binds every "
        "user to Meta's Acceptable Use Policy and sets redistribution conditions. The hub acts on what it can "
        "check in a repository: the license copy, the Notice file, the 'Llama' name prefix for derivatives, and "
        "prohibited uses the repository openly shows through its stated purpose, examples or demo. Terms that "
        "depend on facts the hub cannot see (user counts, deployments, domicile, legal findings) are left to Meta."
    )


_LLAMA_CONTACT = "LlamaUseReport@meta.com"
_LLAMA_MODELS = "https://github.com/meta-llama/llama-models/blob/main/models"


def _cc_attribution(url: str, license_name: str) -> ClauseSpec:
    return _clause(
        "§3(a)(1)",
        f"Anyone sharing the material, changed or not, must credit the creator as asked, state that it is under "
        f"{license_name} with a link, and note any changes. Missing credit, or a re-upload under another license, "
        "is checkable.",
        True,
        source_url=url,
    )


def _cc_noncommercial(url: str) -> tuple[ClauseSpec, ...]:
    return (
        _clause(
            "§2(a)(1) on-hub",
            "The license covers non-commercial use only. A repository or Space that itself sells access, charges "
            "for downloads or serves the material through a paid or commercial API is clear evidence and is acted on.",
            True,
            source_url=url,
        ),
        _clause(
            "§2(a)(1) off-hub",
            "Claims that someone uses the material commercially elsewhere (in a product, inside a company) are not "
            "decided: the hub cannot see off-hub use and the commercial line is often arguable; the licensor decides.",
            False,
            source_url=url,
        ),
    )


def _cc_share_alike(url: str, same_license: str) -> tuple[ClauseSpec, ...]:
    return (
        _clause(
            "§3(b)(1)",
            f"Adapted material that is shared (e.g. an edited or extended dataset, or tuned weights of a licensed "
            f"model) must be licensed under {same_license} or a compatible license. A declared adaptation under other "
            "terms is checkable.",
            True,
            source_url=url,
        ),
        _clause(
            "§3(b) training",
            "Claims that a model trained on share-alike data must itself carry the same license are not decided: "
            "whether a trained model is an adaptation of its training data is legally unsettled.",
            False,
            source_url=url,
        ),
    )


def _gpl_clauses(url: str) -> tuple[ClauseSpec, ...]:
    return (
        _clause(
            "§4",
            "Verbatim copies must keep the copyright notices and the notices that the GPL applies, and come with a "
            "copy of the license. A re-upload that strips them is checkable.",
            True,
            source_url=f"{url}#section4",
        ),
        _clause(
            "§5(a)",
            "Modified versions must carry prominent notes saying they were changed and when. Not decided on its "
            "own: judging prominence means diffing against upstream, and the harm is small.",
            False,
            source_url=f"{url}#section5",
        ),
        _clause(
            "§5(c)",
            "A modified version that is distributed must be licensed as a whole under the same GPL version. A "
            "repository that ships modified GPL code under MIT, Apache or closed terms is checkable.",
            True,
            source_url=f"{url}#section5",
        ),
        _clause(
            "§6",
            "Compiled or packaged forms (binaries, wheels, container images) must come with the corresponding source "
            "or a valid way to get it. A repository shipping modified GPL code only in built form is checkable.",
            True,
            source_url=f"{url}#section6",
        ),
        _clause(
            "§10",
            "Distributors may not add further restrictions on recipients, such as non-commercial or use-based terms. "
            "A repository that ships GPL code under such added terms is checkable.",
            True,
            source_url=f"{url}#section10",
        ),
    )


_GEMMA_TERMS = "https://ai.google.dev/gemma/terms"
_GEMMA_PUP = "https://ai.google.dev/gemma/prohibited_use_policy"

# Gemma Prohibited Use Policy: (ref, summary, actionable, closest other category).
_GEMMA_PROHIBITED: tuple[tuple[str, str, bool, str], ...] = (
    (
        "PUP 1",
        "Bars generating content that infringes or violates others' rights, copyright included. Not decided as a "
        "license violation: a rights claim needs the rights holder, who should use the copyright category.",
        False,
        "copyright",
    ),
    (
        "PUP 2.a.i",
        "Bars promoting or generating content about child sexual abuse or exploitation. Decided when the "
        "repository shows that aim or its examples contain such content.",
        True,
        "child_safety",
    ),
    (
        "PUP 2.a.ii",
        "Bars helping to sell, make or obtain illegal substances, goods or services. Decided when the repository "
        "advertises such help, e.g. drug synthesis or illicit marketplace tooling.",
        True,
        "acceptable_use",
    ),
    (
        "PUP 2.a.iii",
        "Bars helping or encouraging users to commit crimes of any kind. Not decided: a catch-all naming no "
        "specific conduct; a report should cite a concrete item or use the illegal_content category.",
        False,
        "illegal_content",
    ),
    (
        "PUP 2.a.iv",
        "Bars promoting or generating violent extremist or terrorist content. Decided when the repository "
        "presents the model for producing such content or its examples do.",
        True,
        "acceptable_use",
    ),
    (
        "PUP 2.b",
        "Bars the illegal or unlicensed practice of professions such as law, medicine, accounting or finance. Not "
        "decided: licensing rules differ by place and the breach happens in deployment.",
        False,
        "acceptable_use",
    ),
    (
        "PUP 2.c.i",
        "Bars promoting or helping to generate or distribute spam. Decided when the repository advertises bulk "
        "unsolicited messaging or similar.",
        True,
        "spam",
    ),
    (
        "PUP 2.c.ii",
        "Bars generating content for fraud, scams, phishing or malware. Decided when the repository advertises "
        "or demonstrates producing phishing lures, scam scripts or malicious code, or ships such code.",
        True,
        "malicious_code",
    ),
    (
        "PUP 2.d",
        "Bars trying to override or circumvent safety filters, or steering the model into prohibited behaviour. "
        "Not decided: whether fine-tuning away refusals counts is disputed; Google can act on it directly.",
        False,
        "acceptable_use",
    ),
    (
        "PUP 2.e.i",
        "Bars generating content that promotes or encourages hatred. Decided when the repository presents the "
        "model as a hate-speech generator or its examples are such content.",
        True,
        "acceptable_use",
    ),
    (
        "PUP 2.e.ii",
        "Bars helping to harass, bully, intimidate or abuse others. Decided when the repository advertises the "
        "model for targeting or abusing people, or its examples do so.",
        True,
        "acceptable_use",
    ),
    (
        "PUP 2.e.iii",
        "Bars generating content that facilitates, promotes or incites violence. Decided when the repository "
        "advertises producing such content or its examples do.",
        True,
        "acceptable_use",
    ),
    (
        "PUP 2.e.iv",
        "Bars generating content that facilitates, promotes or encourages self-harm. Decided when the repository "
        "presents the model as encouraging or instructing self-harm.",
        True,
        "acceptable_use",
    ),
    (
        "PUP 2.e.v",
        "Bars generating personally identifying information for distribution or other harm. Decided when the "
        "repository advertises doxxing or extracting people's personal data, or its examples show it.",
        True,
        "private_information",
    ),
    (
        "PUP 2.e.vi",
        "Bars tracking or monitoring people without their consent. Decided when the repository is built for "
        "covert tracking of individuals, e.g. stalkerware or face search of private people.",
        True,
        "private_information",
    ),
    (
        "PUP 2.e.vii",
        "Bars content that may have unfair or adverse impacts on people, especially on sensitive or protected "
        "characteristics. Not decided: too broad to apply consistently from a repository.",
        False,
        "acceptable_use",
    ),
    (
        "PUP 3.a",
        "Bars passing off generated content as made by a human, or as the user's original work, to deceive. Not "
        "decided: such claims are made where outputs are published, not in the repository.",
        False,
        "spam",
    ),
    (
        "PUP 3.b",
        "Bars impersonating a real person, living or dead, without clear disclosure, in order to deceive. Decided "
        "when the repository is built to pass as a specific real person without saying it is synthetic.",
        True,
        "acceptable_use",
    ),
    (
        "PUP 3.c",
        "Bars misleading claims of expertise or capability in sensitive areas such as health, finance, law or "
        "public services. Decided when the repository itself presents the model as a qualified professional.",
        True,
        "acceptable_use",
    ),
    (
        "PUP 3.d",
        "Bars automated decisions that affect people's material rights or well-being, e.g. in lending, jobs, "
        "housing or healthcare. Not decided: whether a human stays in the loop depends on the deployment.",
        False,
        "acceptable_use",
    ),
    (
        "PUP 4",
        "Bars generating sexually explicit content, such as pornography or sexual chatbots; scientific, "
        "educational, documentary and artistic uses are exempt. Decided when the repository advertises such use.",
        True,
        "acceptable_use",
    ),
)

_OPEN_CATEGORIES = "copyright, acceptable_use, illegal_content, malicious_code, private_information and child_safety"

# --- The catalogue --------------------------------------------------------------------------------------------------

CATALOGUE: tuple[LicenseSpec, ...] = (
    LicenseSpec(
        key="apache-2.0",
        name="Apache License 2.0",
        spdx_id="Apache-2.0",
        url="https://www.apache.org/licenses/LICENSE-2.0",
        version="2.0",
        actionable=True,
        rationale=(
            "Apache 2.0 puts no limit on what the work is used for, so complaints about how a model is used or "
            "advertised are not license violations; they go through the hub's other categories. The hub acts on the "
            "clear redistribution conditions of Section 4: a copy must come with the license, keep the original "
            "notices and pass on any NOTICE file."
        ),
        clauses=(
            _clause(
                "§4(a)",
                "Anyone who redistributes the work or a derivative must give recipients a copy of the license. A "
                "redistributing repository with neither the license text nor a link to it is checkable.",
                True,
                source_url="https://www.apache.org/licenses/LICENSE-2.0",
            ),
            _clause(
                "§4(b)",
                "Changed files must carry a prominent note saying so. Not decided: tuned weights cannot carry such "
                "notes and a model card naming the base model is generally taken as enough.",
                False,
                source_url="https://www.apache.org/licenses/LICENSE-2.0",
            ),
            _clause(
                "§4(c)",
                "Redistributed source must keep the original copyright, patent, trademark and attribution notices "
                "that apply to it. Stripping them from a re-upload or fork is checkable against upstream.",
                True,
                source_url="https://www.apache.org/licenses/LICENSE-2.0",
            ),
            _clause(
                "§4(d)",
                "If the original ships a NOTICE file, redistributions must carry its attribution notices. A copy "
                "that drops an upstream NOTICE file is checkable.",
                True,
                source_url="https://www.apache.org/licenses/LICENSE-2.0",
            ),
            _clause(
                "§6",
                "The license grants no right to the licensor's names or marks beyond describing where the work came "
                "from. Not decided: trademark disputes need the mark owner and fall outside a license review.",
                False,
                source_url="https://www.apache.org/licenses/LICENSE-2.0",
            ),
        ),
    ),
    LicenseSpec(
        key="mit",
        name="MIT License",
        spdx_id="MIT",
        url="https://opensource.org/license/mit",
        version="",
        actionable=True,
        rationale=(
            "The MIT license lets anyone use the work for any purpose, so complaints about how a model is used are "
            "not license violations and go through the hub's other categories. Its one condition is clear and "
            "checkable: copies must keep the copyright and permission notice. The hub acts on that condition only."
        ),
        clauses=(
            _clause(
                "Notice",
                "All copies or substantial portions must include the copyright notice and the MIT permission "
                "notice. Redistributing MIT-licensed code or weights without them is checkable.",
                True,
                source_url="https://opensource.org/license/mit",
            ),
        ),
    ),
    LicenseSpec(
        key="bsd-3-clause",
        name='BSD 3-Clause "New" or "Revised" License',
        spdx_id="BSD-3-Clause",
        url="https://opensource.org/license/bsd-3-clause",
        version="",
        actionable=True,
        rationale=(
            "BSD-3-Clause lets anyone use the work for any purpose, so use-based complaints are not license "
            "violations. The hub acts on its notice conditions: source and built copies must carry the copyright "
            "notice, conditions and disclaimer. The no-endorsement clause is not decided, because the hub cannot "
            "know whether written permission was given."
        ),
        clauses=(
            _clause(
                "Cl. 1",
                "Redistributed source must keep the copyright notice, the list of conditions and the disclaimer. A "
                "re-upload that strips them is checkable.",
                True,
                source_url="https://opensource.org/license/bsd-3-clause",
            ),
            _clause(
                "Cl. 2",
                "Redistributions in binary or other built form (weights, packages) must reproduce the notice, "
                "conditions and disclaimer in their documentation. A repository without them is checkable.",
                True,
                source_url="https://opensource.org/license/bsd-3-clause",
            ),
            _clause(
                "Cl. 3",
                "The names of the copyright holder or contributors may not be used to endorse or promote derived "
                "products without written permission. Not decided: the hub cannot know whether permission exists.",
                False,
                source_url="https://opensource.org/license/bsd-3-clause",
            ),
        ),
    ),
    LicenseSpec(
        key="cc-by-4.0",
        name="Creative Commons Attribution 4.0 International",
        spdx_id="CC-BY-4.0",
        url="https://creativecommons.org/licenses/by/4.0/legalcode",
        version="4.0",
        actionable=True,
        rationale=(
            "CC BY 4.0 allows any use, commercial included, so use-based complaints are not license violations. The "
            "hub acts on attribution for copies and direct adaptations (a re-hosted or edited dataset, say). Whether "
            "a model merely trained on CC BY material owes attribution is unsettled, so the hub does not decide that."
        ),
        clauses=(
            _cc_attribution("https://creativecommons.org/licenses/by/4.0/legalcode", "CC BY 4.0"),
            _clause(
                "§2(a)(5)(B)",
                "Sharers may not add terms or technical measures that restrict recipients' rights under the license. "
                "Not decided: whether gated access or extra terms go that far is a legal judgement.",
                False,
                source_url="https://creativecommons.org/licenses/by/4.0/legalcode",
            ),
        ),
    ),
    LicenseSpec(
        key="cc-by-sa-4.0",
        name="Creative Commons Attribution-ShareAlike 4.0 International",
        spdx_id="CC-BY-SA-4.0",
        url="https://creativecommons.org/licenses/by-sa/4.0/legalcode",
        version="4.0",
        actionable=True,
        rationale=(
            "CC BY-SA 4.0 allows any use, commercial included, so use-based complaints are not license violations. "
            "The hub acts on attribution and on share-alike where the derivation is clear: a shared copy or declared "
            "adaptation must carry credit and stay under BY-SA or a compatible license. Claims that a model trained "
            "on BY-SA data must itself be BY-SA are not decided, as that is legally unsettled."
        ),
        clauses=(
            _cc_attribution("https://creativecommons.org/licenses/by-sa/4.0/legalcode", "CC BY-SA 4.0"),
            *_cc_share_alike("https://creativecommons.org/licenses/by-sa/4.0/legalcode", "CC BY-SA 4.0 or later"),
            _clause(
                "§3(b)(3)",
                "Adaptations may not be shared with extra terms or technical measures that stop recipients using the "
                "share-alike rights. Not decided: whether gating or added terms go that far is a legal judgement.",
                False,
                source_url="https://creativecommons.org/licenses/by-sa/4.0/legalcode",
            ),
        ),
    ),
    LicenseSpec(
        key="cc-by-nc-4.0",
        name="Creative Commons Attribution-NonCommercial 4.0 International",
        spdx_id="CC-BY-NC-4.0",
        url="https://creativecommons.org/licenses/by-nc/4.0/legalcode",
        version="4.0",
        actionable=True,
        rationale=(
            "CC BY-NC 4.0 permits use and sharing for non-commercial purposes only, with credit. The hub acts on "
            "attribution, and on the non-commercial term when the evidence is on the hub itself: a repository or "
            "Space that sells access or runs a paid or commercial API on the material. Reports of commercial use "
            "elsewhere are not decided, because the hub cannot observe it and the line is often arguable."
        ),
        clauses=(
            _cc_attribution("https://creativecommons.org/licenses/by-nc/4.0/legalcode", "CC BY-NC 4.0"),
            *_cc_noncommercial("https://creativecommons.org/licenses/by-nc/4.0/legalcode"),
        ),
    ),
    LicenseSpec(
        key="cc-by-nc-sa-4.0",
        name="Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International",
        spdx_id="CC-BY-NC-SA-4.0",
        url="https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode",
        version="4.0",
        actionable=True,
        rationale=(
            "CC BY-NC-SA 4.0 permits non-commercial use only, with credit, and adaptations must stay under the same "
            "terms. The hub acts on attribution, on share-alike for declared adaptations, and on the non-commercial "
            "term when a repository or Space itself sells access or a commercial API. Off-hub commercial use and "
            "claims about models trained on the material are not decided."
        ),
        clauses=(
            _cc_attribution("https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode", "CC BY-NC-SA 4.0"),
            *_cc_noncommercial("https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode"),
            *_cc_share_alike("https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode", "CC BY-NC-SA 4.0 or later"),
        ),
    ),
    LicenseSpec(
        key="gpl-3.0",
        name="GNU General Public License v3.0",
        spdx_id="GPL-3.0-only",
        url="https://www.gnu.org/licenses/gpl-3.0.html",
        version="3.0",
        actionable=True,
        rationale=(
            "GPL-3.0 lets anyone run the program for any purpose, so complaints about how code or a model is used "
            "are not license violations. The hub acts on the clear copyleft conditions for what is distributed on "
            "the hub: keep notices and the license, license modified versions under the GPL, ship source with built "
            "forms, add no restrictions. The hub tag does not say whether 'or later' applies, so it is recorded as "
            "GPL-3.0-only; whether weights trained on GPL code are covered is unsettled and not decided."
        ),
        clauses=_gpl_clauses("https://www.gnu.org/licenses/gpl-3.0.html"),
    ),
    LicenseSpec(
        key="agpl-3.0",
        name="GNU Affero General Public License v3.0",
        spdx_id="AGPL-3.0-only",
        url="https://www.gnu.org/licenses/agpl-3.0.html",
        version="3.0",
        actionable=True,
        rationale=(
            "AGPL-3.0 puts no limit on purpose, so use-based complaints are not license violations. The hub acts on "
            "the GPL copyleft conditions for what is distributed on the hub and on the network clause for what the "
            "hub itself runs: a Space serving modified AGPL code must offer its users the source. Off-hub services "
            "are not decided. Recorded as AGPL-3.0-only because the hub tag does not say whether 'or later' applies."
        ),
        clauses=(
            *_gpl_clauses("https://www.gnu.org/licenses/agpl-3.0.html"),
            _clause(
                "§13",
                "A modified version that users reach over a network must offer them its source. A Space or hosted "
                "demo on the hub running modified AGPL code from a private repository, with no source offer, is "
                "checkable.",
                True,
                source_url="https://www.gnu.org/licenses/agpl-3.0.html#section13",
            ),
        ),
    ),
    LicenseSpec(
        key="openrail",
        name="OpenRAIL (Open Responsible AI License, variant unspecified)",
        spdx_id="",
        url="https://huggingface.co/blog/open_rail",
        version="",
        actionable=True,
        rationale=(
            "The openrail tag names a family of Responsible AI Licenses (for models, data, apps or source) rather "
            "than one text, so the binding terms are whatever RAIL file the repository ships. The hub acts only on "
            "terms every OpenRAIL-M text shares: passing the use restrictions on, including the license, keeping "
            "notices, and the concrete restrictions below, after a moderator confirms the repository's license "
            "contains the cited term."
        ),
        clauses=_rail_clauses("https://huggingface.co/blog/open_rail", _CREATIVEML_TOPICS, lettered=False),
    ),
    LicenseSpec(
        key="openrail++",
        name="CreativeML Open RAIL++-M License",
        spdx_id="",
        url="https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/blob/main/LICENSE.md",
        version="",
        actionable=True,
        rationale=(
            "Stability AI's license for Stable Diffusion 2.x and SDXL allows broad use but forbids the uses in "
            "Attachment A and requires every redistribution to carry them. Its restrictions match CreativeML "
            "OpenRAIL-M. The hub acts on the redistribution conditions and on restrictions a repository openly "
            "breaches by its stated purpose, examples or demo, not on those that depend on off-hub deployment."
        ),
        clauses=_rail_clauses(
            "https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/blob/main/LICENSE.md", _CREATIVEML_TOPICS
        ),
    ),
    LicenseSpec(
        key="creativeml-openrail-m",
        name="CreativeML OpenRAIL-M",
        spdx_id="CreativeML-OpenRAIL-M",
        url="https://huggingface.co/spaces/CompVis/stable-diffusion-license",
        version="",
        actionable=True,
        rationale=(
            "The Stable Diffusion 1.x license allows broad use, including commercial, but forbids the uses in "
            "Attachment A and requires derivatives to carry those restrictions. The hub acts on the redistribution "
            "conditions and on restrictions a repository openly breaches (its stated purpose, examples or demo). "
            "Restrictions that hinge on off-hub deployment, intent or legal findings are not decided."
        ),
        clauses=_rail_clauses("https://huggingface.co/spaces/CompVis/stable-diffusion-license", _CREATIVEML_TOPICS),
    ),
    LicenseSpec(
        key="bigscience-openrail-m",
        name="BigScience OpenRAIL-M",
        spdx_id="BigScience-OpenRAIL-M",
        url="https://www.licenses.ai/blog/2022/8/26/bigscience-open-rail-m-license",
        version="",
        actionable=True,
        rationale=(
            "BigScience's general-purpose RAIL license allows broad use but forbids the uses in Attachment A and "
            "requires derivatives to carry those restrictions. The hub acts on the redistribution conditions and on "
            "restrictions a repository openly breaches (its stated purpose, examples or demo). Restrictions that "
            "hinge on off-hub deployment, intent or legal findings are not decided."
        ),
        clauses=_rail_clauses(
            "https://www.licenses.ai/blog/2022/8/26/bigscience-open-rail-m-license", _BIGSCIENCE_TOPICS
        ),
    ),
    LicenseSpec(
        key="bigscience-bloom-rail-1.0",
        name="BigScience BLOOM RAIL 1.0",
        spdx_id="BigScience-BLOOM-RAIL-1.0",
        url="https://huggingface.co/spaces/bigscience/license",
        version="1.0",
        actionable=True,
        rationale=(
            "The license written for BLOOM allows broad use but forbids the uses in Attachment A and requires "
            "derivatives to carry those restrictions. The hub acts on the redistribution conditions and on "
            "restrictions a repository openly breaches (its stated purpose, examples or demo). Restrictions that "
            "hinge on off-hub deployment, intent or legal findings are not decided."
        ),
        clauses=_rail_clauses("https://huggingface.co/spaces/bigscience/license", _BLOOM_TOPICS),
    ),
    LicenseSpec(
        key="llama2",
        name="Llama 2 Community License Agreement",
        spdx_id="",
        url="https://ai.meta.com/llama/license/",
        version="2",
        actionable=True,
        rationale=(
            "The Llama 2 Community License allows use, modification and redistribution, but binds every user to "
            "Meta's Acceptable Use Policy and bars using Llama 2 or its outputs to improve other large language "
            "models. The hub acts on what it can check in a repository: the license copy, the Notice file, declared "
            "training on Llama 2 outputs, and prohibited uses the repository openly shows. Terms that depend on "
            "facts the hub cannot see (user counts, deployments, legal findings) are left to Meta."
        ),
        contact=_LLAMA_CONTACT,
        clauses=(
            _clause(
                "§1.b.i",
                "Anyone distributing the Llama materials or a derivative must include a copy of the license "
                "agreement. A redistributing repository without it is checkable.",
                True,
                source_url="https://ai.meta.com/llama/license/",
            ),
            _clause(
                "§1.b.iii",
                "Distributed copies must include a 'Notice' text file carrying Meta's Llama 2 attribution statement. "
                "A re-upload or derivative without it is checkable.",
                True,
                source_url="https://ai.meta.com/llama/license/",
            ),
            _clause(
                "§1.b.v",
                "Bars using the Llama materials or their outputs to improve any large language model other than "
                "Llama 2 and its derivatives. Decided when a repository states a non-Llama model was trained on them.",
                True,
                source_url="https://ai.meta.com/llama/license/",
            ),
            _clause("§2", _LLAMA_MAU, False, source_url="https://ai.meta.com/llama/license/"),
            *_llama_aup(f"{_LLAMA_MODELS}/llama2/USE_POLICY.md", revised=False),
        ),
    ),
    LicenseSpec(
        key="llama3",
        name="Meta Llama 3 Community License Agreement",
        spdx_id="",
        url="https://llama.meta.com/llama3/license/",
        version="3",
        actionable=True,
        rationale=(
            "The Meta Llama 3 Community License allows use, modification and redistribution, but binds every user "
            "to Meta's Acceptable Use Policy, requires derivatives to be named 'Llama 3...' and bars using Llama 3 "
            "outputs to improve other large language models. The hub acts on what it can check in a repository: "
            "the license copy, the Notice file, the name prefix, declared training on outputs, and prohibited uses "
            "the repository openly shows. User counts, deployments and legal findings are left to Meta."
        ),
        contact=_LLAMA_CONTACT,
        clauses=(
            _clause(
                "§1.b.i(A)",
                "Anyone distributing the Llama materials, a derivative, or a product using them must include a copy "
                "of the license agreement. A redistributing repository without it is checkable.",
                True,
                source_url="https://llama.meta.com/llama3/license/",
            ),
            _clause(
                "§1.b.i(B)",
                "Distributors must prominently show 'Built with Meta Llama 3' on a related website, interface, blog "
                "post or documentation. Not decided: it may be shown on a site the hub cannot see.",
                False,
                source_url="https://llama.meta.com/llama3/license/",
            ),
            _clause(
                "§1.b.i naming",
                "A distributed AI model made or improved with the Llama materials must have a name that begins with "
                "'Llama 3'. A derivative published under a name that does not is checkable.",
                True,
                source_url="https://llama.meta.com/llama3/license/",
            ),
            _clause(
                "§1.b.iii",
                "Distributed copies must include a 'Notice' text file carrying Meta's Llama 3 attribution statement. "
                "A re-upload or derivative without it is checkable.",
                True,
                source_url="https://llama.meta.com/llama3/license/",
            ),
            _clause(
                "§1.b.v",
                "Bars using the Llama materials or their outputs to improve any large language model other than "
                "Llama 3 and its derivatives. Decided when a repository states a non-Llama model was trained on them.",
                True,
                source_url="https://llama.meta.com/llama3/license/",
            ),
            _clause("§2", _LLAMA_MAU, False, source_url="https://llama.meta.com/llama3/license/"),
            *_llama_aup(f"{_LLAMA_MODELS}/llama3/USE_POLICY.md", revised=False),
        ),
    ),
    LicenseSpec(
        key="llama3.1",
        name="Llama 3.1 Community License Agreement",
        spdx_id="",
        url=f"{_LLAMA_MODELS}/llama3_1/LICENSE",
        version="3.1",
        actionable=True,
        rationale=_llama_rationale("3.1"),
        contact=_LLAMA_CONTACT,
        clauses=(
            *_llama_terms(f"{_LLAMA_MODELS}/llama3_1/LICENSE"),
            *_llama_aup(f"{_LLAMA_MODELS}/llama3_1/USE_POLICY.md", revised=False),
        ),
    ),
    LicenseSpec(
        key="llama3.2",
        name="Llama 3.2 Community License Agreement",
        spdx_id="",
        url=f"{_LLAMA_MODELS}/llama3_2/LICENSE",
        version="3.2",
        actionable=True,
        rationale=_llama_rationale("3.2"),
        contact=_LLAMA_CONTACT,
        clauses=(
            *_llama_terms(f"{_LLAMA_MODELS}/llama3_2/LICENSE"),
            *_llama_aup(f"{_LLAMA_MODELS}/llama3_2/USE_POLICY.md", revised=True),
        ),
    ),
    LicenseSpec(
        key="llama3.3",
        name="Llama 3.3 Community License Agreement",
        spdx_id="",
        url=f"{_LLAMA_MODELS}/llama3_3/LICENSE",
        version="3.3",
        actionable=True,
        rationale=_llama_rationale("3.3"),
        contact=_LLAMA_CONTACT,
        clauses=(
            *_llama_terms(f"{_LLAMA_MODELS}/llama3_3/LICENSE"),
            *_llama_aup(f"{_LLAMA_MODELS}/llama3_3/USE_POLICY.md", revised=True),
        ),
    ),
    LicenseSpec(
        key="llama4",
        name="Llama 4 Community License Agreement",
        spdx_id="",
        url=f"{_LLAMA_MODELS}/llama4/LICENSE",
        version="4",
        actionable=True,
        rationale=_llama_rationale("4"),
        contact=_LLAMA_CONTACT,
        clauses=(
            *_llama_terms(f"{_LLAMA_MODELS}/llama4/LICENSE"),
            *_llama_aup("https://www.llama.com/llama4/use-policy", revised=True),
        ),
    ),
    LicenseSpec(
        key="gemma",
        name="Gemma Terms of Use",
        spdx_id="",
        url=_GEMMA_TERMS,
        version="",
        actionable=True,
        rationale=(
            "Gemma's terms allow broad use, commercial included, but bind every user and every derivative to the "
            "Gemma Prohibited Use Policy and require distributors to pass those restrictions on. The hub acts on "
            "the redistribution conditions and on prohibited uses a repository openly shows (stated purpose, "
            "examples, demo), not on those that depend on off-hub deployment or legal judgement. A Gemma release "
            "whose model card names a different license (some later ones use Apache 2.0) is handled under that one."
        ),
        contact="https://ai.google.dev/gemma",
        clauses=(
            _clause(
                "§3.1(a)",
                "Distributors of Gemma or a derivative, hosted services included, must make the Section 3.2 use "
                "restrictions enforceable in their own terms and tell recipients. A derivative relabelled under "
                "Apache, MIT or other terms without them is checkable.",
                True,
                source_url=f"{_GEMMA_TERMS}#3.1-distribution",
            ),
            _clause(
                "§3.1(b)",
                "Recipients must be given a copy of the Gemma Terms of Use. A redistributing repository with neither "
                "the terms nor a link to them is checkable.",
                True,
                source_url=f"{_GEMMA_TERMS}#3.1-distribution",
            ),
            _clause(
                "§3.1(c)",
                "Modified files must carry a prominent note that they were changed. Not decided: weight files cannot "
                "carry such notes; a model card naming the base model is treated as enough.",
                False,
                source_url=f"{_GEMMA_TERMS}#3.1-distribution",
            ),
            _clause(
                "§3.1(d)",
                "Distributed copies must include a 'Notice' text file saying Gemma is provided under the Gemma Terms "
                "of Use. A re-upload or derivative without it is checkable.",
                True,
                source_url=f"{_GEMMA_TERMS}#3.1-distribution",
            ),
            *(
                _clause(ref, summary, actionable, other, _GEMMA_PUP)
                for ref, summary, actionable, other in _GEMMA_PROHIBITED
            ),
        ),
    ),
    LicenseSpec(
        key="other",
        name="Other (license not on the hub's list)",
        spdx_id="",
        url="",
        version="",
        actionable=False,
        rationale=(
            "The 'other' tag means the repository declares a license outside the hub's list, usually a custom one "
            "the hub has not reviewed. Moderators cannot interpret an unreviewed license consistently, so reports "
            "citing its terms are not decided as license violations. Reporters can still use the "
            f"{_OPEN_CATEGORIES} categories, which apply to every repository whatever its license."
        ),
    ),
    LicenseSpec(
        key="unknown",
        name="Unknown (no license declared or not identified)",
        spdx_id="",
        url="",
        version="",
        actionable=False,
        rationale=(
            "No license is declared, or the declared one could not be identified, so there are no terms on record "
            "the hub could enforce and reports citing license terms are not decided. A missing license matters to "
            "rights holders, who can file a copyright report. Reporters can still use the "
            f"{_OPEN_CATEGORIES} categories, which apply to every repository whatever its license."
        ),
    ),
)
