"""The leaders' mix of requests, shared by the load benchmark (``country_load``) and the
per-request one (``requests``): (name, weight). A position save is sent while a video plays."""

MIX = (
    ("Learn", 18),
    ("lesson", 18),
    ("position save", 30),
    ("quick-check answer", 8),
    ("reflection", 8),
    ("thread", 10),
    ("reply", 3),
    ("coaching", 5),
)
