//! A Leptos (client-side rendered) chat for `example-react`'s server, on
//! socketio-wasm's Rust API alone: no JS of ours, no socket.io-client.
//!
//! The server is the React app's (JWT login, the `/chat` namespace, history,
//! presence); it serves this client at `/leptos/`. What it shows of the API:
//!
//! - one `Manager` and one `/chat` socket for the page, made when the user
//!   logs in and disconnected when the chat unmounts (logout);
//! - serde-typed events (`on_json`) and error-first acknowledgements
//!   (`emit_with_ack_args` read as `ErrorFirst`), awaited as futures;
//! - the connection state as a `Stream` driving a signal (the banner);
//! - components that hold their `ListenerHandle`s: unmounting one (the
//!   "who's here" panel, the chat itself) drops them, which removes exactly
//!   their listeners;
//! - messages typed while offline wait in the socket's buffer, marked
//!   pending, and are sent on reconnection with `retries`; the server stores
//!   each once (it is idempotent on the message's `clientId`).
use std::time::Duration;

use futures::future::{abortable, AbortHandle};
use futures::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use serde::{Deserialize, Serialize};
use socketio_wasm::proto::{Auth, ManagerConfig, SocketConfig};
use socketio_wasm::web::{ConnectionState, ErrorFirst, ListenerHandle, Manager, Payload, Socket};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const ROOM: &str = "general";
const SESSION_KEY: &str = "leptos-chat:session";
const MAX_MESSAGE_LENGTH: usize = 5000;
/// The server's `connect_error` codes that no reconnection fixes: log in again.
const AUTH_ERRORS: [&str; 4] = ["NO_TOKEN", "INVALID_TOKEN", "TOKEN_EXPIRED", "UNKNOWN_USER"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct User {
    id: u64,
    name: String,
}

/// What `/api/login` and `/api/signup` answer, kept in `localStorage`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Session {
    token: String,
    user: User,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    id: u64,
    client_id: String,
    user: String,
    text: String,
}

/// The server's `{ code, message }`, for a refused request or event.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Refusal {
    code: String,
    message: String,
}

#[derive(Deserialize)]
struct Joined {
    history: Vec<Message>,
}

#[derive(Clone, Deserialize)]
struct Presence {
    room: String,
    users: Vec<String>,
}

#[derive(Serialize)]
struct Join<'a> {
    room: &'a str,
    rejoin: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Outgoing<'a> {
    room: &'a str,
    text: &'a str,
    client_id: &'a str,
}

/// A message sent and not acknowledged yet.
#[derive(Clone, Debug, PartialEq)]
struct Pending {
    client_id: String,
    text: String,
}

fn main() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let (session, set_session) = signal(stored_session());
    let logout = move || {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(SESSION_KEY);
        }
        set_session.set(None);
    };
    view! {
        <main>
            <h1>"socketio-wasm · Leptos chat"</h1>
            {move || match session.get() {
                None => view! { <Login on_login=set_session /> }.into_any(),
                Some(session) => view! { <Chat session=session on_logout=Callback::new(move |_| logout()) /> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn Login(on_login: WriteSignal<Option<Session>>) -> impl IntoView {
    let (name, set_name) = signal(String::new());
    let (password, set_password) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let submit = move |signup: bool| {
        set_busy.set(true);
        spawn_local(async move {
            let body = serde_json::json!({ "username": name.get_untracked(), "password": password.get_untracked() });
            let path = if signup { "/api/signup" } else { "/api/login" };
            match post_json(path, &body.to_string()).await {
                Ok(session) => {
                    if let (Some(storage), Ok(text)) =
                        (local_storage(), serde_json::to_string(&session))
                    {
                        let _ = storage.set_item(SESSION_KEY, &text);
                    }
                    on_login.set(Some(session));
                }
                Err(message) => set_error.set(Some(message)),
            }
            set_busy.set(false);
        });
    };
    view! {
        <form class="login" on:submit=move |ev| { ev.prevent_default(); submit(false); }>
            <label>"Username" <input name="username" autocomplete="username" prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev)) /></label>
            <label>"Password" <input name="password" type="password" autocomplete="current-password" prop:value=password on:input=move |ev| set_password.set(event_target_value(&ev)) /></label>
            <button type="submit" disabled=busy>"Log in"</button>
            <button type="button" disabled=busy on:click=move |_| submit(true)>"Sign up"</button>
            <Show when=move || error.get().is_some()>
                <p role="alert">{move || error.get()}</p>
            </Show>
        </form>
    }
}

#[component]
fn Chat(session: Session, on_logout: Callback<()>) -> impl IntoView {
    let socket = StoredValue::new_local(connect(&session));
    let (state, set_state) = signal(ConnectionState::Reconnecting(0));
    let (messages, set_messages) = signal(Vec::<Message>::new());
    let (pending, set_pending) = signal(Vec::<Pending>::new());
    let (notice, set_notice) = signal(None::<String>);
    let (show_presence, set_show_presence) = signal(true);
    let (presence_listeners, set_presence_listeners) = signal(0usize);

    let add = move |incoming: Vec<Message>| {
        set_messages.update(|list| {
            for message in incoming {
                if !list.iter().any(|m| m.id == message.id) {
                    list.push(message);
                }
            }
            list.sort_by_key(|m| m.id);
        })
    };

    // Listeners live as long as this component: their handles are dropped
    // on cleanup, which removes them.
    let mut handles: Vec<ListenerHandle> = Vec::new();
    socket.with_value(|s| {
        handles.push(s.on_json(
            "message",
            move |m: Message| add(vec![m]),
            move |e| log(&format!("a message that is not one: {e}")),
        ));
        handles.push(s.on("connect_error", move |payload: &Payload| {
            let Payload::Error { message, data } = payload else {
                return;
            };
            let code = data
                .and_then(|d| serde_json::from_str::<Refusal>(d).ok())
                .map(|r| r.code);
            if code.as_deref().is_some_and(|c| AUTH_ERRORS.contains(&c)) {
                on_logout.run(());
            } else {
                set_notice.set(Some(format!("Cannot connect: {message}")));
            }
        }));
    });
    let handles = SendWrapper::new(handles);

    // The connection state, as a stream, drives the banner; on each
    // connection that did not recover its session, the room is (re)joined
    // and its history merged.
    let (states, stop_states) = abortable({
        let mut stream = socket.with_value(Socket::states);
        async move {
            let mut connections = 0u32;
            while let Some(next) = stream.next().await {
                if next == ConnectionState::Connected {
                    connections += 1;
                    set_notice.set(None);
                    if !socket.with_value(Socket::recovered) {
                        let joining = socket.with_value(|s| {
                            s.emit_with_ack_args::<_, ErrorFirst<Joined, Refusal>>(
                                "join",
                                &(Join {
                                    room: ROOM,
                                    rejoin: connections > 1,
                                },),
                            )
                            .timeout(10_000)
                        });
                        spawn_local(async move {
                            match joining.await.map(ErrorFirst::into_result) {
                                Ok(Ok(joined)) => add(joined.history),
                                Ok(Err(refusal)) => set_notice.set(Some(refusal.message)),
                                Err(e) => {
                                    set_notice.set(Some(format!("Could not join #{ROOM}: {e}")))
                                }
                            }
                        });
                    }
                }
                set_state.set(next);
            }
        }
    });
    spawn_local(async move {
        let _ = states.await;
    });
    let stop_states = SendWrapper::new(stop_states);
    on_cleanup(move || {
        AbortHandle::abort(&stop_states);
        drop(handles);
        socket.with_value(Socket::disconnect);
    });

    let (draft, set_draft) = signal(String::new());
    let send = move || {
        let text = draft.get_untracked().trim().to_owned();
        if text.is_empty() || text.chars().count() > MAX_MESSAGE_LENGTH {
            return;
        }
        set_draft.set(String::new());
        let client_id = new_client_id();
        set_pending.update(|list| {
            list.push(Pending {
                client_id: client_id.clone(),
                text: text.clone(),
            })
        });
        // Offline, it waits in the socket's buffer; `retries` sends it again
        // when an answer does not come (the server stores it once).
        let sent = socket.with_value(|s| {
            s.emit_with_ack_args::<_, ErrorFirst<Message, Refusal>>(
                "message",
                &(Outgoing {
                    room: ROOM,
                    text: &text,
                    client_id: &client_id,
                },),
            )
        });
        spawn_local(async move {
            let answer = sent.await.map(ErrorFirst::into_result);
            set_pending.update(|list| list.retain(|p| p.client_id != client_id));
            match answer {
                Ok(Ok(message)) => add(vec![message]),
                Ok(Err(refusal)) => set_notice.set(Some(format!("Not sent: {}", refusal.message))),
                Err(e) => set_notice.set(Some(format!("Not sent: {e}"))),
            }
        });
    };

    let toggle_presence = move |_| {
        set_show_presence.update(|shown| *shown = !*shown);
        // After the panel has (un)mounted and its cleanup has run.
        set_timeout(
            move || set_presence_listeners.set(socket.with_value(|s| s.listener_count("presence"))),
            Duration::ZERO,
        );
    };

    view! {
        <header>
            <span class="me">{session.user.name.clone()}</span>
            <button on:click=move |_| on_logout.run(())>"Log out"</button>
        </header>
        <Banner state=state />
        <Show when=move || notice.get().is_some()>
            <p role="alert" class="notice">{move || notice.get()}</p>
        </Show>
        <section class="room">
            <h2>"#" {ROOM}</h2>
            <ul class="messages" aria-label="Messages">
                <For each=move || messages.get() key=|m| m.id let:m>
                    <li class="message"><b>{m.user}</b>": "<span class="text">{m.text}</span></li>
                </For>
                <For each=move || pending.get() key=|p| p.client_id.clone() let:p>
                    <li class="message pending"><span class="text">{p.text}</span>" "<em>"(sending…)"</em></li>
                </For>
            </ul>
            <form on:submit=move |ev| { ev.prevent_default(); send(); }>
                <input aria-label="Message" maxlength=MAX_MESSAGE_LENGTH prop:value=draft on:input=move |ev| set_draft.set(event_target_value(&ev)) />
                <button type="submit">"Send"</button>
            </form>
        </section>
        <button class="toggle-presence" on:click=toggle_presence>
            {move || if show_presence.get() { "Hide who's here" } else { "Show who's here" }}
        </button>
        <Show when=move || show_presence.get()>
            <WhoIsHere socket=socket />
        </Show>
        <footer>"presence listeners: " <span class="presence-listeners">{presence_listeners}</span></footer>
    }
}

/// The banner: nothing while connected, else what the connection does.
#[component]
fn Banner(state: ReadSignal<ConnectionState>) -> impl IntoView {
    let text = move || match state.get() {
        ConnectionState::Connected => None,
        ConnectionState::Reconnecting(0) => Some("Connecting…".to_owned()),
        ConnectionState::Reconnecting(n) => Some(format!(
            "Reconnecting (attempt {n})… messages you send wait here"
        )),
        ConnectionState::Disconnected(reason) => {
            Some(format!("Offline ({reason}): messages you send wait here"))
        }
    };
    view! {
        <p role="status" class="banner" class:online=move || state.get() == ConnectionState::Connected>
            {move || text().unwrap_or_else(|| "Connected".to_owned())}
        </p>
    }
}

/// Who is in the room. Its listener is its own: unmounting the panel
/// drops the handle, which removes it (and nothing else).
#[component]
fn WhoIsHere(socket: StoredValue<Socket, LocalStorage>) -> impl IntoView {
    let (users, set_users) = signal(Vec::<String>::new());
    let handle = socket.with_value(|s| {
        s.on_json(
            "presence",
            move |p: Presence| {
                if p.room == ROOM {
                    set_users.set(p.users);
                }
            },
            move |e| log(&format!("presence: {e}")),
        )
    });
    let handle = SendWrapper::new(handle);
    on_cleanup(move || drop(handle));
    view! {
        <aside class="presence" aria-label="Who's here">
            <h3>"Who's here"</h3>
            <ul>
                <For each=move || users.get() key=|u| u.clone() let:u>
                    <li>{u}</li>
                </For>
            </ul>
        </aside>
    }
}

/// The page's one Manager and its `/chat` socket, connected.
fn connect(session: &Session) -> Socket {
    let location = web_sys::window().map(|w| w.location());
    let host = location
        .as_ref()
        .and_then(|l| l.host().ok())
        .unwrap_or_default();
    let secure = location.and_then(|l| l.protocol().ok()).as_deref() == Some("https:");
    let manager = Manager::new(ManagerConfig::new(host, secure), false);
    let auth = serde_json::json!({ "token": session.token, "room": ROOM });
    let config = SocketConfig {
        auth: Auth::Static(auth.to_string()),
        ack_timeout: Some(5_000),
        retries: 10,
        ..SocketConfig::default()
    };
    let socket = manager.socket("/chat", config, None);
    socket.connect();
    socket
}

fn stored_session() -> Option<Session> {
    let text = local_storage()?.get_item(SESSION_KEY).ok()??;
    serde_json::from_str(&text).ok()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn new_client_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("{}-{}", js_sys::Date::now(), js_sys::Math::random()))
}

fn log(text: &str) {
    web_sys::console::warn_1(&JsValue::from_str(text));
}

/// POSTs JSON text to the server; its answer as a `Session`, or its error message.
async fn post_json(path: &str, body: &str) -> Result<Session, String> {
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    let headers = web_sys::Headers::new().map_err(describe)?;
    headers
        .set("Content-Type", "application/json")
        .map_err(describe)?;
    init.set_headers(&headers);
    let request = web_sys::Request::new_with_str_and_init(path, &init).map_err(describe)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| "the server cannot be reached".to_owned())?
        .dyn_into()
        .map_err(describe)?;
    let text = JsFuture::from(response.text().map_err(describe)?)
        .await
        .map_err(describe)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text).map_err(|e| format!("unexpected answer: {e}"))
    } else {
        Err(serde_json::from_str::<Refusal>(&text)
            .map(|r| r.message)
            .unwrap_or_else(|_| format!("error {}", response.status())))
    }
}

fn describe(error: JsValue) -> String {
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}
