"""Transparency: public figures (Art. 15/24 DSA) and statements of reasons in the DSA
Transparency Database's format. Nothing in here carries personal data."""
