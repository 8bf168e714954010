#!/usr/bin/env escript
%% gen_statem: inserted next_event events are handled, in order, before anything in the mailbox.
-module(statem_next_event).
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

init(Main) -> {ok, a, Main}.
a(cast, go, Main) ->
    t("cast go", []),
    {keep_state, Main, [{next_event, internal, one}, {next_event, internal, two}]};
a(internal, E, Main) -> t("internal ~p", [E]), {keep_state, Main};
a(cast, three, Main) -> t("cast three", []), Main ! done, {keep_state, Main}.
main(_) ->
    quiet(),
    {ok, M} = gen_statem:start(?MODULE, self(), []),
    sys:suspend(M),
    gen_statem:cast(M, go), gen_statem:cast(M, three),
    sys:resume(M),
    receive done -> ok end,
    gen_statem:stop(M).
