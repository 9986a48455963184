"""The moderation API of API.md, one module per area: cases, decisions, enforcement, appeals."""
