"""Line ranges as reporters write them: '12' or '10-40'."""

LINES_PATTERN = r"^[1-9][0-9]{0,8}(-[1-9][0-9]{0,8})?$"


def parse_lines(value: str) -> tuple[int, int] | None:
    """'12' or '10-40' as (start, end); None for no range."""
    if not value:
        return None
    start, _, end = value.partition("-")
    return int(start), int(end or start)
