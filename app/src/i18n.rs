//! German and English UI strings, one catalogue per language. `?lang=de|en` overrides
//! the browser's language; German is the fallback. Accessible names here are the
//! stable ones of UI.md: change them only together with the tests.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    De,
    En,
}

impl Lang {
    /// `?lang=` wins, then the browser's languages in order, then German.
    pub fn pick(query: Option<&str>, browser: &[String]) -> Lang {
        if let Some(l) = query.and_then(Lang::parse) {
            return l;
        }
        browser
            .iter()
            .find_map(|l| Lang::parse(l))
            .unwrap_or(Lang::De)
    }

    fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }
}

/// Every UI string. Each variant has a German and an English text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Tools,
    Select,
    Hand,
    Note,
    Text,
    Rectangle,
    Ellipse,
    Arrow,
    Pen,
    Frame,
    Undo,
    Redo,
    Export,
    Share,
    Board,
    BoardContents,
    Drawing,
    ElementUnknown,
    Colour,
    EditText,
    BoardTitle,
    UntitledBoard,
    Boards,
    YourBoards,
    NewBoard,
    NoBoardsYet,
    BrokenLinkTitle,
    BrokenLinkBody,
    StartNewBoard,
    StoredDataUnreadable,
    Dismiss,
    Delete,
    BringToFront,
    SendToBack,
    ZoomIn,
    ZoomOut,
    ZoomToFit,
    ZoomReset,
    Zoom,
    StorageUnavailable,
    SelectionActions,
    ServerCanRead,
    KeepTool,
    Actions,
    Templates,
    Cut,
    Copy,
    Paste,
    Duplicate,
    SelectAll,
    BackToBoard,
    PrivateMode,
    Reveal,
    PrivateBadge,
    InviteTitle,
    InviteHint,
    CreateInvite,
    InviteCode,
    ReplyCode,
    CopyCode,
    Connect,
    HaveInvite,
    CreateReply,
    InviteStep1,
    InviteStep2,
    ReplyStep,
    InviteConnected,
    Working,
    CodeInvalid,
    CodeOtherBoard,
    CodeWrongStep,
    CodeNothingPending,
    StartVoting,
    EndVoting,
    VotesPerPerson,
    SeveralDots,
    Results,
    CopyResults,
    ClearVotes,
    VotableKinds,
    VotingScope,
    NoVotes,
    BringEveryone,
    LockBoard,
    UnlockBoard,
    LockSelection,
    UnlockSelection,
    BoardLockedBadge,
    ChathamBadge,
    ChathamBadgeHint,
    Follow,
    AnonymousCursors,
    ShowRuleCard,
    Facilitation,
    Timer,
    StartTimer,
    PauseTimer,
    ResumeTimer,
    StopTimer,
    AddMinute,
    RemoveMinute,
    Minutes,
    MuteTimer,
    Guest,
    People,
    YourName,
    NameHint,
    You,
    Moderator,
    NobodyElse,
    Connections,
    OtherTabs,
    Server,
    Peers,
    Connected,
    Connecting,
    Offline,
    Synced,
    OfflineKept,
    SaveName,
    Later,
    ShareTitle,
    ParticipantLink,
    ModeratorLink,
    ModeratorLinkHint,
    CopyLink,
    LinkCopied,
    QrCode,
    RelayInUse,
    RelayCannotRead,
    IceInUse,
    IceCanSee,
    ServerInUse,
    Format,
    BoardFile,
    WhatToExport,
    WholeBoard,
    SelectionScope,
    FrameToExport,
    Scale,
    Background,
    Padding,
    EmbedBoard,
    Download,
    CopyToClipboard,
    Close,
    Cancel,
    Copied,
    NothingToExport,
    ExportFailed,
    MinutesHint,
    OpenFile,
    Open,
    Merge,
    OpenBoardFile,
    OpenOrMerge,
    FileTooLarge,
    FileUnsupported,
    FileNoBoard,
    FileDamaged,
    BoardUnchanged,
    FileUnreadable,
}

pub fn t(lang: Lang, msg: Msg) -> &'static str {
    use Msg::*;
    let (de, en) = match msg {
        Tools => ("Werkzeuge", "Tools"),
        PrivateMode => ("Privatmodus", "Private mode"),
        Reveal => ("Aufdecken", "Reveal"),
        PrivateBadge => ("Privatmodus: Nur Sie sehen Ihre Notizen", "Private mode: only you see your notes"),
        InviteTitle => ("Ohne Server verbinden", "Connect without a server"),
        InviteHint => ("Wenn keine Verbindung zustande kommt (kein Server im Netz), verbinden zwei Personen ihre Browser mit zwei Codes.", "If nobody connects (no server on this network), two people can link their browsers by exchanging two codes."),
        CreateInvite => ("Einladungscode erstellen", "Create invite code"),
        InviteCode => ("Einladungscode", "Invite code"),
        ReplyCode => ("Antwortcode", "Reply code"),
        CopyCode => ("Code kopieren", "Copy code"),
        Connect => ("Verbinden", "Connect"),
        HaveInvite => ("Ich habe einen Einladungscode", "I have an invite code"),
        CreateReply => ("Antwort erstellen", "Create reply"),
        InviteStep1 => ("1. Senden Sie diesen Einladungscode an die Person, die Sie einladen (oder lassen Sie sie den QR-Code scannen). Sie öffnet vorher den Link für Teilnehmende.", "1. Send this invite code to the person you invite (or let them scan the QR code). They open the participant link first."),
        InviteStep2 => ("2. Fügen Sie den Antwortcode ein, den Sie zurückbekommen, und wählen Sie „Verbinden“.", "2. Paste the reply code you get back, and choose “Connect”."),
        ReplyStep => ("Senden Sie diesen Antwortcode an die Person zurück, die Sie eingeladen hat. Die Verbindung steht, sobald sie ihn eingibt.", "Send this reply code back to the person who invited you. You are connected as soon as they enter it."),
        InviteConnected => ("Verbunden.", "Connected."),
        Working => ("Einen Moment …", "One moment …"),
        CodeInvalid => ("Das ist kein vollständiger Lernraum-Code. Bitte den ganzen Code kopieren.", "This is not a complete Lernraum code. Please copy the whole code."),
        CodeOtherBoard => ("Dieser Code gehört zu einem anderen Board. Öffnen Sie zuerst den Link dieses Boards.", "This code belongs to another board. Open this board's link first."),
        CodeWrongStep => ("Das ist der falsche Code für diesen Schritt (Einladungs- und Antwortcode vertauscht?).", "This is the wrong code for this step (invite and reply code swapped?)."),
        CodeNothingPending => ("Erstellen Sie zuerst einen Einladungscode.", "Create an invite code first."),
        StartVoting => ("Abstimmung starten", "Start voting"),
        EndVoting => ("Abstimmung beenden", "End voting"),
        VotesPerPerson => ("Stimmen pro Person", "Votes per person"),
        SeveralDots => ("Mehrere Punkte auf ein Element erlaubt", "Several dots on one element"),
        Results => ("Ergebnisse", "Results"),
        CopyResults => ("Ergebnisse kopieren", "Copy results"),
        ClearVotes => ("Stimmen löschen", "Clear votes"),
        VotableKinds => ("Was Stimmen erhalten kann", "What can receive votes"),
        VotingScope => ("Wo abgestimmt wird", "Where to vote"),
        NoVotes => ("Keine Stimmen.", "No votes."),
        BringEveryone => ("Alle zu mir holen", "Bring everyone here"),
        LockBoard => ("Board sperren", "Lock board"),
        UnlockBoard => ("Board entsperren", "Unlock board"),
        LockSelection => ("Für Teilnehmende sperren", "Lock for participants"),
        UnlockSelection => ("Entsperren", "Unlock"),
        BoardLockedBadge => ("Board gesperrt", "Board locked"),
        ChathamBadge => ("Chatham-House-Regel", "Chatham House rule"),
        ChathamBadgeHint => ("Was gesagt wird, darf verwendet werden – aber nie, wer es gesagt hat oder woher die Person kommt. Nichts Gespeichertes oder Exportiertes trägt Namen.", "What is said may be used, but never who said it or where they are from. Nothing saved or exported carries a name."),
        Follow => ("Folgen", "Follow"),
        AnonymousCursors => ("Anonyme Cursor (Namen ausblenden)", "Anonymous cursors (hide names)"),
        ShowRuleCard => ("Regelkarte zeigen", "Show the rule card"),
        Facilitation => ("Moderation", "Facilitation"),
        Timer => ("Timer", "Timer"),
        StartTimer => ("Timer starten", "Start timer"),
        PauseTimer => ("Timer anhalten", "Pause timer"),
        ResumeTimer => ("Timer fortsetzen", "Resume timer"),
        StopTimer => ("Timer beenden", "Stop timer"),
        AddMinute => ("Eine Minute mehr", "Add a minute"),
        RemoveMinute => ("Eine Minute weniger", "One minute less"),
        Minutes => ("Minuten", "Minutes"),
        MuteTimer => ("Timer-Ton aus", "Mute timer sound"),
        Guest => ("Gast", "Guest"),
        People => ("Personen", "People"),
        YourName => ("Ihr Name", "Your name"),
        NameHint => ("Nur live sichtbar, nie im Board gespeichert (Chatham-House-Regel).", "Shown live only, never saved in the board (Chatham House rule)."),
        You => ("Sie", "You"),
        Moderator => ("Moderation", "Moderator"),
        NobodyElse => ("Noch niemand sonst hier.", "Nobody else here yet."),
        Connections => ("Verbindungen", "Connections"),
        OtherTabs => ("Andere Tabs", "Other tabs"),
        Server => ("Server", "Server"),
        Peers => ("Direkt (WebRTC)", "Direct (WebRTC)"),
        Connected => ("verbunden", "connected"),
        Connecting => ("verbindet …", "connecting …"),
        Offline => ("offline", "offline"),
        Synced => ("synchron", "in sync"),
        OfflineKept => ("Offline: Ihre Änderungen bleiben erhalten und werden synchronisiert.", "Offline: your changes are kept and will sync."),
        SaveName => ("Übernehmen", "Save"),
        Later => ("Später", "Later"),
        ShareTitle => ("Board teilen", "Share the board"),
        ParticipantLink => ("Link für Teilnehmende", "Participant link"),
        ModeratorLink => ("Link für die Moderation (geheim halten)", "Moderator link (keep it secret)"),
        ModeratorLinkHint => ("Wer diesen Link hat, kann moderieren. Nur an Co-Moderation weitergeben.", "Whoever has this link can moderate. Give it only to a co-moderator."),
        CopyLink => ("Link kopieren", "Copy link"),
        LinkCopied => ("Link kopiert.", "Link copied."),
        QrCode => ("QR-Code des Links für Teilnehmende", "QR code of the participant link"),
        RelayInUse => ("Verbindungsaufbau über den Signal-Server:", "Peers find each other through the signaling server:"),
        RelayCannotRead => ("Er sieht nur den Raumnamen, nie den Inhalt (verschlüsselt).", "It sees only the room name, never the content (encrypted)."),
        IceInUse => ("Verbindungshilfe für getrennte Netze (STUN/TURN):", "Connection helpers for separate networks (STUN/TURN):"),
        IceCanSee => ("Sie sehen, wer sich mit wem verbindet (IP-Adressen), nie den Inhalt.", "They see who connects with whom (IP addresses), never the content."),
        ServerInUse => ("Zusätzlich synchronisiert über den Server:", "Also synced through the server:"),
        Format => ("Format", "Format"),
        BoardFile => ("Board-Datei", "Board file"),
        WhatToExport => ("Was exportieren", "What to export"),
        WholeBoard => ("Ganzes Board", "Whole board"),
        SelectionScope => ("Auswahl", "Selection"),
        FrameToExport => ("Welcher Rahmen", "Which frame"),
        Scale => ("Skalierung", "Scale"),
        Background => ("Hintergrund", "Background"),
        Padding => ("Rand (px)", "Padding (px)"),
        EmbedBoard => ("Board-Daten einbetten (zum Wiederöffnen)", "Embed board data (to open it again)"),
        Download => ("Herunterladen", "Download"),
        CopyToClipboard => ("In die Zwischenablage", "Copy to clipboard"),
        Close => ("Schließen", "Close"),
        Cancel => ("Abbrechen", "Cancel"),
        Copied => ("In die Zwischenablage kopiert.", "Copied to the clipboard."),
        NothingToExport => ("Nichts zu exportieren: Dieser Teil des Boards ist leer.", "Nothing to export: this part of the board is empty."),
        ExportFailed => ("Export fehlgeschlagen:", "Export failed:"),
        MinutesHint => ("Markdown und CSV sind das Protokoll: Rahmen mit ihren Notizen, ohne Namen.", "Markdown and CSV are the minutes: frames with their notes, without names."),
        OpenFile => ("Datei öffnen", "Open file"),
        Open => ("Öffnen", "Open"),
        Merge => ("Zusammenführen", "Merge"),
        OpenBoardFile => ("Board öffnen", "Open a board"),
        OpenOrMerge => ("Als neues Board öffnen, oder in dieses Board übernehmen (zusammenführen)?", "Open it as a new board, or merge it into this board?"),
        FileTooLarge => ("Die Datei ist zu groß (höchstens 64 MB, Textdateien 1 MB). Ihr Board ist unverändert.", "The file is too large (at most 64 MB; text files 1 MB). Your board is unchanged."),
        FileUnsupported => ("Diese Datei kann Lernraum nicht öffnen. Möglich sind .lernraum-Dateien, PNG- und SVG-Exporte mit Board-Daten und Textdateien. Ihr Board ist unverändert.", "Lernraum cannot open this file. It opens .lernraum files, PNG and SVG exports with board data, and text files. Your board is unchanged."),
        FileNoBoard => ("Dieses Bild enthält keine Board-Daten (beim Export „Board-Daten einbetten“ wählen). Ihr Board ist unverändert.", "This image holds no board data (choose “Embed board data” when exporting). Your board is unchanged."),
        FileDamaged => ("Die Datei ist beschädigt", "The file is damaged"),
        BoardUnchanged => ("Ihr Board ist unverändert.", "Your board is unchanged."),
        FileUnreadable => ("Die Datei konnte nicht gelesen werden. Ihr Board ist unverändert.", "The file could not be read. Your board is unchanged."),
        Select => ("Auswählen", "Select"),
        Hand => ("Hand", "Hand"),
        Note => ("Notiz", "Note"),
        Text => ("Text", "Text"),
        Rectangle => ("Rechteck", "Rectangle"),
        Ellipse => ("Ellipse", "Ellipse"),
        Arrow => ("Pfeil", "Arrow"),
        Pen => ("Stift", "Pen"),
        Frame => ("Rahmen", "Frame"),
        Undo => ("Rückgängig", "Undo"),
        Redo => ("Wiederholen", "Redo"),
        Export => ("Exportieren", "Export"),
        Share => ("Teilen", "Share"),
        Board => ("Board", "Board"),
        BoardContents => ("Board-Inhalt", "Board contents"),
        Drawing => ("Zeichnung", "Drawing"),
        ElementUnknown => ("Element", "Element"),
        Colour => ("Farbe", "Colour"),
        EditText => ("Text bearbeiten", "Edit text"),
        BoardTitle => ("Board-Titel", "Board title"),
        UntitledBoard => ("Unbenanntes Board", "Untitled board"),
        Boards => ("Boards", "Boards"),
        YourBoards => ("Deine Boards", "Your boards"),
        NewBoard => ("Neues Board", "New board"),
        NoBoardsYet => (
            "Noch keine Boards in diesem Browser.",
            "No boards in this browser yet.",
        ),
        BrokenLinkTitle => ("Dieser Link ist unvollständig", "This link is incomplete"),
        BrokenLinkBody => (
            "Der Link enthält keinen gültigen Raum oder Schlüssel. Vielleicht wurde er beim Kopieren abgeschnitten. Bitte lass dir den Link noch einmal schicken, oder beginne ein neues Board.",
            "The link has no valid room or key. Perhaps it was cut off when it was copied. Ask for the link again, or start a new board.",
        ),
        StartNewBoard => ("Neues Board beginnen", "Start a new board"),
        StoredDataUnreadable => (
            "Die gespeicherten Daten dieses Boards sind nicht lesbar. Sie wurden unverändert aufbewahrt; hier ist ein leeres Board daneben.",
            "This board's stored data could not be read. It has been kept unchanged; here is an empty board next to it.",
        ),
        Dismiss => ("Schließen", "Dismiss"),
        Delete => ("Löschen", "Delete"),
        BringToFront => ("Nach vorne", "Bring to front"),
        SendToBack => ("Nach hinten", "Send to back"),
        ZoomIn => ("Vergrößern", "Zoom in"),
        ZoomOut => ("Verkleinern", "Zoom out"),
        ZoomToFit => ("Alles zeigen", "Zoom to fit"),
        ZoomReset => ("Auf 100 % zoomen", "Zoom to 100 %"),
        Zoom => ("Zoom", "Zoom"),
        StorageUnavailable => (
            "Dieser Browser erlaubt kein Speichern. Änderungen gehen beim Schließen verloren.",
            "This browser does not allow storage. Changes will be lost when you close it.",
        ),
        BackToBoard => ("Zurück zum Board", "Back to the board"),
        SelectionActions => ("Auswahl", "Selection"),
        KeepTool => ("Werkzeug beibehalten", "Keep tool active"),
        Actions => ("Aktionen", "Actions"),
        Templates => ("Vorlagen", "Templates"),
        Cut => ("Ausschneiden", "Cut"),
        Copy => ("Kopieren", "Copy"),
        Paste => ("Einfügen", "Paste"),
        Duplicate => ("Duplizieren", "Duplicate"),
        SelectAll => ("Alles auswählen", "Select all"),
        ServerCanRead => (
            "Über Server: Der Server kann dieses Board lesen.",
            "Via server: the server can read this board.",
        ),
    };
    match lang {
        Lang::De => de,
        Lang::En => en,
    }
}

/// Colour names for the palette picker, by palette key.
pub fn colour_name(lang: Lang, key: &str) -> &'static str {
    let (de, en) = match key {
        "yellow" => ("Gelb", "Yellow"),
        "orange" => ("Orange", "Orange"),
        "red" => ("Rot", "Red"),
        "pink" => ("Rosa", "Pink"),
        "violet" => ("Violett", "Violet"),
        "blue" => ("Blau", "Blue"),
        "cyan" => ("Cyan", "Cyan"),
        "green" => ("Grün", "Green"),
        "gray" => ("Grau", "Gray"),
        "white" => ("Weiß", "White"),
        _ => ("Eigene Farbe", "Custom colour"),
    };
    match lang {
        Lang::De => de,
        Lang::En => en,
    }
}

/// The outline's reading of an element kind (UI.md).
pub fn kind_name(lang: Lang, kind: &crdt::Kind) -> &'static str {
    use crdt::Kind::*;
    let msg = match kind {
        Note => Msg::Note,
        Text => Msg::Text,
        Rect => Msg::Rectangle,
        Ellipse => Msg::Ellipse,
        Arrow => Msg::Arrow,
        Ink => Msg::Drawing,
        Frame => Msg::Frame,
        Unknown(_) => Msg::ElementUnknown,
    };
    t(lang, msg)
}

/// "3 of 8 have voted" (a count only).
pub fn voted_count(lang: Lang, n: usize, all: usize) -> String {
    match lang {
        Lang::De => format!("{n} von {all} haben abgestimmt"),
        Lang::En => format!("{n} of {all} have voted"),
    }
}

/// "Votes left: N" (UI.md).
pub fn votes_left(lang: Lang, n: u32) -> String {
    match lang {
        Lang::De => format!("Verbleibende Stimmen: {n}"),
        Lang::En => format!("Votes left: {n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_wins_then_browser_then_german() {
        let browser = vec!["en-US".to_string(), "de".to_string()];
        assert_eq!(Lang::pick(Some("de"), &browser), Lang::De);
        assert_eq!(Lang::pick(None, &browser), Lang::En);
        assert_eq!(Lang::pick(Some("fr"), &browser), Lang::En);
        assert_eq!(Lang::pick(Some("fr"), &["fr-FR".to_string()]), Lang::De);
        assert_eq!(Lang::pick(None, &[]), Lang::De);
    }

    #[test]
    fn accessible_names_match_ui_md() {
        assert_eq!(t(Lang::En, Msg::Select), "Select");
        assert_eq!(t(Lang::De, Msg::Select), "Auswählen");
        assert_eq!(t(Lang::De, Msg::BoardContents), "Board-Inhalt");
        assert_eq!(kind_name(Lang::De, &crdt::Kind::Ink), "Zeichnung");
        assert_eq!(
            kind_name(Lang::En, &crdt::Kind::Unknown("x".into())),
            "Element"
        );
    }
}
