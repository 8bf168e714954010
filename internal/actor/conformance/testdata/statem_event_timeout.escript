#!/usr/bin/env escript
%% gen_statem: an event timeout fires when no event comes; any event cancels it.
-module(statem_event_timeout).
-mode(compile).
-export([main/1]).
-compile([nowarn_unused_function]).
-behaviour(gen_statem).
-export([init/1, callback_mode/0, terminate/3, a/3, b/3, c/3, locked/3, open/3]).

%% Canonical trace helpers (the same in every scenario).
t(F, A) -> io:format(F ++ "~n", A).
r({'EXIT', R}) -> r(R);
r(R) when is_atom(R) -> R;
r(R) when is_tuple(R), tuple_size(R) > 0 -> r(element(1, R));
r(_) -> other.
quiet() -> logger:set_primary_config(level, none).
down(Pid) ->
    receive {'DOWN', _, process, Pid, R} -> r(R) after 5000 -> no_down end.
callback_mode() -> state_functions.
terminate(_, _, _) -> ok.
b(_, _, D) -> {keep_state, D}.
c(_, _, D) -> {keep_state, D}.
locked(_, _, D) -> {keep_state, D}.
open(_, _, D) -> {keep_state, D}.

init(Main) -> {ok, a, Main, [{timeout, 20, idle1}]}.
a(timeout, idle1, Main) -> t("timeout idle1", []), Main ! armed, {keep_state, Main, [{timeout, 1000, idle2}]};
a(timeout, Msg, Main) -> t("timeout ~p", [Msg]), {keep_state, Main};
a(cast, ping, Main) -> t("cast ping", []), {keep_state, Main};
a({call, From}, sync, Main) -> {keep_state, Main, [{reply, From, ok}]}.
main(_) ->
    quiet(),
    {ok, M} = gen_statem:start(?MODULE, self(), []),
    receive armed -> ok end,
    gen_statem:cast(M, ping),
    timer:sleep(1200),
    ok = gen_statem:call(M, sync),
    gen_statem:stop(M).
