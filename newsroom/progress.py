"""The progress bar of long management commands: one line rewritten in place on a
terminal, nothing at all in a log, a pipe or cron's mail."""


class ProgressBar:
    def __init__(self, stream, width=30):
        self.stream = stream if stream.isatty() else None
        self.width = width

    def __call__(self, done, total, detail=""):
        if self.stream is None:
            return
        filled = self.width * done // total if total else self.width
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}{detail}",
            ending="\n" if done >= total else "",
        )
        self.stream.flush()
