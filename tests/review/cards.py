"""Model cards for the tests: a complete one in the shape of the common model-card template,
and the same with sections taken out."""

WORDS = "This section says plainly what a reader needs to know about the model and why it matters here."

COMPLETE_CARD = f"""---
license: apache-2.0
tags: [text-generation]
---
# Model card for demo-7b

## Model details
{WORDS}

## Uses
### Direct use
{WORDS}
### Downstream use
{WORDS}
### Out-of-scope use
{WORDS}

## Bias, risks, and limitations
{WORDS}

## Training details
### Training data
{WORDS}

## Evaluation
{WORDS}
"""


def card_without(*headings: str) -> str:
    """The complete card with the named level-2 or level-3 sections (and their text) removed."""
    lines = COMPLETE_CARD.splitlines()
    kept, skipping = [], False
    for line in lines:
        if line.startswith("#"):
            skipping = any(line.lstrip("#").strip().lower() == heading.lower() for heading in headings)
        if not skipping:
            kept.append(line)
    return "\n".join(kept) + "\n"
