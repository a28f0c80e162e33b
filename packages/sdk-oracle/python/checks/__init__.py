"""Each module here exposes ``checks(ctx)``: an iterable of ``(name, function)``; a function passes by returning."""
