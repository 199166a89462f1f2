"""The form of every Profile field (the API key is ApiKeyBox's), on three tabs: Server,
Vocabulary and context, Advanced. ``profile()`` builds a Profile from what is entered, which
validates it (InputError in words); nothing here touches a store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_asr.stores import profiles as core_profiles
from desktop_asr.stores.profiles import Profile
from desktop_asr.text.languages import resolve_language
from desktop_asr.ui.dialogs.language_names import NAMES as LANGUAGE_NAMES
from desktop_asr.ui.dialogs.language_names import language_label
from desktop_asr.ui.widgets.error_details import ErrorPanel

FileChooser = Callable[[QWidget], "str | None"]


def choose_ca_bundle(parent: QWidget) -> str | None:
    path, _ = QFileDialog.getOpenFileName(
        parent, QCoreApplication.translate("ProfileForm", "Choose a CA bundle"), "",
        QCoreApplication.translate("ProfileForm",
                                   "Certificates (*.pem *.crt *.cer);;All files (*)"))
    return path or None


def _spin(low: float, high: float, decimals: int, suffix: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setSuffix(suffix)
    return spin


class ProfileForm(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None,
                 choose_file: FileChooser = choose_ca_bundle) -> None:
        super().__init__(parent)
        self._choose_file = choose_file
        self._language_as_typed = "auto"
        seconds = " " + self.tr("s", "the unit after a number of seconds")

        # --- server -------------------------------------------------------------------
        self.name_edit = QLineEdit()
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText("http://192.168.1.20:30101")
        self.server_edit.setToolTip(self.tr(
            "One server address, or several separated by spaces (one per GPU): each "
            "chunk goes to the server with the most free capacity."))
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        model_line = self.model_combo.lineEdit()
        if model_line is not None:
            model_line.setPlaceholderText(self.tr("The first model the server lists"))
        self.fetch_models_button = QPushButton(self.tr("Fetch models"))
        self.models_result = ErrorPanel()
        self.api_style_combo = QComboBox()
        self.api_style_combo.addItem(self.tr("Chat completions (/v1/chat/completions)"), "chat")
        self.api_style_combo.addItem(
            self.tr("Transcriptions upload (/v1/audio/transcriptions)"), "transcriptions")
        self.language_combo = QComboBox()
        self.language_combo.addItem(self.tr("Detect automatically"), "auto")
        for name in LANGUAGE_NAMES:
            self.language_combo.addItem(language_label(str(name)), str(name))
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_combo, 1)
        model_row.addWidget(self.fetch_models_button)
        server_tab = QWidget()
        self.server_layout = QFormLayout(server_tab)
        self.server_layout.addRow(self.tr("Name:"), self.name_edit)
        self.server_layout.addRow(self.tr("Server URL:"), self.server_edit)
        self.server_layout.addRow(self.tr("Model:"), model_row)
        self.server_layout.addRow("", self.models_result)
        self.server_layout.addRow(self.tr("API style:"), self.api_style_combo)
        self.server_layout.addRow(self.tr("Language:"), self.language_combo)

        # --- vocabulary and context ---------------------------------------------------
        self.vocab_list = QListWidget()
        self.vocab_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.context_edit = QPlainTextEdit()
        self.context_edit.setPlaceholderText(self.tr(
            "Optional: names, terms or a sentence about the topic, sent with every request."))
        vocab_tab = QWidget()
        vocab_layout = QVBoxLayout(vocab_tab)
        vocab_layout.addWidget(QLabel(self.tr("Vocabulary lists used with this profile:")))
        vocab_layout.addWidget(self.vocab_list, 1)
        vocab_layout.addWidget(QLabel(self.tr("Context:")))
        vocab_layout.addWidget(self.context_edit, 1)
        self.chinese_combo = QComboBox()
        for value, label in (("none", self.tr("As recognised")),
                             ("simplified", self.tr("Simplified Chinese")),
                             ("traditional", self.tr("Traditional Chinese")),
                             ("taiwan", self.tr("Traditional Chinese (Taiwan)")),
                             ("hongkong", self.tr("Traditional Chinese (Hong Kong)"))):
            self.chinese_combo.addItem(label, value)
        chinese_row = QHBoxLayout()
        chinese_row.addWidget(QLabel(self.tr("Dictated Chinese:")))
        chinese_row.addWidget(self.chinese_combo, 1)
        vocab_layout.addLayout(chinese_row)

        # --- advanced -----------------------------------------------------------------
        self.transport_combo = QComboBox()
        self.transport_combo.addItem(self.tr("Send the audio in the request"), "inline")
        self.transport_combo.addItem(self.tr("Let the server fetch web addresses"), "url")
        self.chunk_spin = _spin(core_profiles.MIN_CHUNK_SECONDS,
                                core_profiles.MAX_CHUNK_SECONDS, 0, seconds)
        self.concurrency_spin = QSpinBox()
        self.concurrency_spin.setRange(1, core_profiles.MAX_CONCURRENCY)
        self.connect_timeout_spin = _spin(0.1, 600.0, 1, seconds)
        self.read_timeout_spin = _spin(0.1, 3600.0, 1, seconds)
        self.asr_options_check = QCheckBox(self.tr("Send asr_options (vocabulary hints) to "
                                                   "the server"))
        self.verify_tls_check = QCheckBox(self.tr("Verify the server's TLS certificate"))
        self.ca_bundle_edit = QLineEdit()
        self.ca_bundle_edit.setPlaceholderText(self.tr("The system's certificates"))
        self.ca_bundle_button = QPushButton(self.tr("Choose..."))
        self.ca_bundle_button.clicked.connect(self._choose_ca_bundle)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_bundle_edit, 1)
        ca_row.addWidget(self.ca_bundle_button)
        self.headers_table = QTableWidget(0, 2)
        self.headers_table.setHorizontalHeaderLabels([self.tr("Header"), self.tr("Value")])
        self.headers_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.headers_table.setMaximumHeight(120)
        self.add_header_button = QPushButton(self.tr("Add header"))
        self.add_header_button.clicked.connect(lambda: self.add_header("", ""))
        self.remove_header_button = QPushButton(self.tr("Remove header"))
        self.remove_header_button.clicked.connect(self._remove_headers)
        header_buttons = QHBoxLayout()
        header_buttons.addWidget(self.add_header_button)
        header_buttons.addWidget(self.remove_header_button)
        header_buttons.addStretch(1)
        advanced_tab = QWidget()
        advanced = QFormLayout(advanced_tab)
        advanced.addRow(self.tr("Transport:"), self.transport_combo)
        advanced.addRow(self.tr("Longest chunk:"), self.chunk_spin)
        advanced.addRow(self.tr("Requests at once:"), self.concurrency_spin)
        advanced.addRow(self.tr("Connect timeout:"), self.connect_timeout_spin)
        advanced.addRow(self.tr("Read timeout:"), self.read_timeout_spin)
        advanced.addRow("", self.asr_options_check)
        advanced.addRow("", self.verify_tls_check)
        advanced.addRow(self.tr("CA bundle:"), ca_row)
        advanced.addRow(self.tr("Extra headers:"), self.headers_table)
        advanced.addRow("", header_buttons)

        self.tabs = QTabWidget()
        self.tabs.addTab(server_tab, self.tr("Server"))
        self.tabs.addTab(vocab_tab, self.tr("Vocabulary and context"))
        self.tabs.addTab(advanced_tab, self.tr("Advanced"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        for signal in (self.name_edit.textChanged, self.server_edit.textChanged,
                       self.model_combo.currentTextChanged,
                       self.api_style_combo.currentIndexChanged,
                       self.language_combo.currentIndexChanged, self.vocab_list.itemChanged,
                       self.context_edit.textChanged, self.transport_combo.currentIndexChanged,
                       self.chinese_combo.currentIndexChanged,
                       self.chunk_spin.valueChanged, self.concurrency_spin.valueChanged,
                       self.connect_timeout_spin.valueChanged,
                       self.read_timeout_spin.valueChanged, self.asr_options_check.toggled,
                       self.verify_tls_check.toggled, self.ca_bundle_edit.textChanged,
                       self.headers_table.itemChanged):
            signal.connect(self._emit_changed)

    # --- filling ----------------------------------------------------------------------
    def set_profile(self, profile: Profile, vocabulary_names: Sequence[str]) -> None:
        """Show ``profile``; the vocabulary lists offered are ``vocabulary_names`` (plus any
        the profile names that no longer exist, marked as missing)."""
        self.name_edit.setText(profile.name)
        self.server_edit.setText(" ".join(profile.servers))
        self.set_models([], keep=profile.model or "")
        _select(self.api_style_combo, profile.api_style)
        self._language_as_typed = profile.language
        try:
            _select(self.language_combo, resolve_language(profile.language) or "auto")
        except ValueError:
            _select(self.language_combo, "auto")
        self.vocab_list.clear()
        for name in vocabulary_names:
            self._add_vocab_item(name, name in profile.vocab_lists, missing=False)
        for name in profile.vocab_lists:
            if name not in vocabulary_names:
                self._add_vocab_item(name, True, missing=True)
        self.context_edit.setPlainText(profile.context)
        _select(self.transport_combo, profile.transport)
        _select(self.chinese_combo, profile.chinese)
        self.chunk_spin.setValue(profile.max_chunk_seconds)
        self.concurrency_spin.setValue(profile.concurrency)
        self.connect_timeout_spin.setValue(profile.connect_timeout)
        self.read_timeout_spin.setValue(profile.read_timeout)
        self.asr_options_check.setChecked(profile.send_asr_options)
        self.verify_tls_check.setChecked(profile.verify_tls)
        self.ca_bundle_edit.setText(profile.ca_bundle or "")
        self.headers_table.setRowCount(0)
        for name, value in profile.headers:
            self.add_header(name, value)
        self.models_result.clear()

    def set_models(self, models: Iterable[str], keep: str | None = None) -> None:
        """Offer ``models`` in the model box, keeping the text entered (or ``keep``)."""
        text = self.model_combo.currentText() if keep is None else keep
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        self.model_combo.addItems(list(models))
        self.model_combo.blockSignals(False)
        self.model_combo.setEditText(text)
        self._emit_changed()

    def add_header(self, name: str, value: str) -> None:
        row = self.headers_table.rowCount()
        self.headers_table.insertRow(row)
        self.headers_table.setItem(row, 0, QTableWidgetItem(name))
        self.headers_table.setItem(row, 1, QTableWidgetItem(value))
        self._emit_changed()

    # --- reading ----------------------------------------------------------------------
    def profile(self, api_key_env: str | None, name: str | None = None) -> Profile:
        """A Profile of what is entered (named ``name`` if given); InputError (in words)
        when a field is wrong."""
        servers = self.server_edit.text().replace(",", " ").split() or [""]
        return Profile(
            name=self.name_edit.text() if name is None else name,
            server=servers[0],
            servers=tuple(servers),
            model=self.model_combo.currentText(),
            api_style=self.api_style_combo.currentData(),
            language=self._language(),
            vocab_lists=tuple(self.checked_vocabulary()),
            context=self.context_edit.toPlainText().strip(),
            transport=self.transport_combo.currentData(),
            chinese=self.chinese_combo.currentData(),
            max_chunk_seconds=self.chunk_spin.value(),
            concurrency=self.concurrency_spin.value(),
            connect_timeout=self.connect_timeout_spin.value(),
            read_timeout=self.read_timeout_spin.value(),
            send_asr_options=self.asr_options_check.isChecked(),
            verify_tls=self.verify_tls_check.isChecked(),
            ca_bundle=self.ca_bundle_edit.text(),
            headers=tuple(self.headers()),
            api_key_env=api_key_env,
        )

    def checked_vocabulary(self) -> list[str]:
        items = (self.vocab_list.item(i) for i in range(self.vocab_list.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items
                if item.checkState() == Qt.CheckState.Checked]

    def headers(self) -> list[tuple[str, str]]:
        """The header rows, skipping rows left empty."""
        rows = []
        for row in range(self.headers_table.rowCount()):
            cells = [self.headers_table.item(row, col) for col in (0, 1)]
            name, value = ((c.text() if c is not None else "") for c in cells)
            if name.strip() or value.strip():
                rows.append((name, value))
        return rows

    def snapshot(self) -> tuple[object, ...]:
        """Everything entered, to tell whether anything changed."""
        return (self.name_edit.text(), self.server_edit.text(), self.model_combo.currentText(),
                self.api_style_combo.currentData(), self._language(),
                tuple(self.checked_vocabulary()), self.context_edit.toPlainText(),
                self.transport_combo.currentData(), self.chinese_combo.currentData(),
                self.chunk_spin.value(),
                self.concurrency_spin.value(), self.connect_timeout_spin.value(),
                self.read_timeout_spin.value(), self.asr_options_check.isChecked(),
                self.verify_tls_check.isChecked(), self.ca_bundle_edit.text(),
                tuple(self.headers()))

    # --- inside -----------------------------------------------------------------------
    def _language(self) -> str:
        """The chosen language; the profile's own spelling ("zh") when it means the same."""
        chosen = self.language_combo.currentData()
        try:
            same = (resolve_language(self._language_as_typed) or "auto") == chosen
        except ValueError:
            same = False
        return self._language_as_typed if same else chosen

    def _add_vocab_item(self, name: str, checked: bool, *, missing: bool) -> None:
        label = self.tr("{0} (missing: no such list)").format(name) if missing else name
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, name)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.vocab_list.addItem(item)

    def _remove_headers(self) -> None:
        rows = sorted({index.row() for index in self.headers_table.selectedIndexes()},
                      reverse=True)
        if not rows and self.headers_table.rowCount():
            rows = [self.headers_table.currentRow()]
        for row in rows:
            if row >= 0:
                self.headers_table.removeRow(row)
        self._emit_changed()

    def _choose_ca_bundle(self) -> None:
        path = self._choose_file(self)
        if path:
            self.ca_bundle_edit.setText(path)

    def _emit_changed(self, *_: object) -> None:
        self.changed.emit()


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))
