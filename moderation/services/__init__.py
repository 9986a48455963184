"""Every write in moderation, one function per use case (cases, enforcement, appeals, notices)."""
