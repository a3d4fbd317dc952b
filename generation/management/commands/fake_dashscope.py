"""Runs the fake DashScope service (testkit.fake_dashscope) until interrupted, so the whole
studio can be tried offline: start it, then run the studio with
DASHSCOPE_BASE_URL=http://127.0.0.1:PORT/api/v1 and DASHSCOPE_API_KEY=sk-anything."""

from django.core.management.base import BaseCommand

from testkit.fake_dashscope import KINDS, FakeDashScope


class Command(BaseCommand):
    help = "Serve a fake DashScope image-synthesis API on 127.0.0.1 (offline demos and tests)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--run-seconds", type=float, default=2.0,
                            help="How long each task stays RUNNING before it succeeds (default 2).")
        parser.add_argument("--fail", action="append", default=[], choices=KINDS,
                            help="Make the next submission fail this way (repeatable).")

    def handle(self, *args, port, run_seconds, fail, **options):
        server = FakeDashScope(port=port, run_seconds=run_seconds)
        for kind in fail:
            server.inject(kind)
        self.stdout.write(
            f"Fake DashScope on {server.base_url}\n"
            f"Run the studio with: DASHSCOPE_BASE_URL={server.base_url} DASHSCOPE_API_KEY=sk-fake\n"
            f"Keys not starting with sk- (or sk-invalid) are refused. Put [fake:KIND] in a prompt to inject a "
            f"failure; kinds: {', '.join(KINDS)}. Ctrl-C stops it."
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.httpd.server_close()
