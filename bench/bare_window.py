"""The baseline: a bare PySide6 QMainWindow, reporting when it is shown like the app does."""

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1180, 760)
window.show()
QTimer.singleShot(0, lambda: print(f"backcare-trace {time.time():.6f} main-window-shown",
                                   file=sys.stderr, flush=True))
sys.exit(app.exec())
