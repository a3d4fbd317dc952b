"""Why a model cannot run here, in a form the application can word for its users.

An engine's `availability()` answers `(ok, reason)`. The reason reads as an English line for operators'
logs and the command line (it may name folders); its `code` and `name` (a Python package, or a file's name,
never its folder) let the application say the same to a user in their language without showing server
paths."""

PACKAGE = "package"            # name: the Python package to install
WEIGHTS_MISSING = "weights"    # name: the weights file's name
WEIGHTS_BAD = "bad_weights"    # name: the weights file's name (checksum or contents wrong)
NO_RUNTIME = "runtime"         # name: the runtimes that would do ("onnxruntime or openvino")
NOT_CONFIGURED = "not_configured"  # name: the setting to set
NOT_A_MODEL = "not_a_model"    # name: what was configured, e.g. a folder's last part
NOT_HERE = "not_here"          # name: a model id that is not on this server (downloads off)


class Missing(str):
    """A reason (see the module). Being a str keeps `(ok, reason)` what it always was for its readers."""

    code: str
    name: str

    def __new__(cls, code: str, name: str, english: str):
        reason = super().__new__(cls, english)
        reason.code, reason.name = code, name
        return reason

    def __getnewargs__(self):
        return self.code, self.name, str(self)
