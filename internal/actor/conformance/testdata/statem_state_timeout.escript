#!/usr/bin/env escript
%% gen_statem: a state timeout fires in its state; a state change cancels it.
-module(statem_state_timeout).
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
locked(_, _, D) -> {keep_state, D}.
open(_, _, D) -> {keep_state, D}.
init(Main) -> {ok, a, Main, [{state_timeout, 20, t1}]}.
a(state_timeout, Msg, Main) ->
    t("state_timeout ~p in a", [Msg]),
    Main ! in_b,
    {next_state, b, Main, [{state_timeout, 1000, t2}]}.
b(cast, go, Main) -> t("cast go in b", []), {next_state, c, Main};
b(state_timeout, Msg, Main) -> t("state_timeout ~p in b", [Msg]), {keep_state, Main}.
c({call, From}, state, Main) -> {keep_state, Main, [{reply, From, c}]};
c(state_timeout, Msg, Main) -> t("state_timeout ~p in c", [Msg]), {keep_state, Main}.
main(_) ->
    quiet(),
    {ok, M} = gen_statem:start(?MODULE, self(), []),
    receive in_b -> ok end,
    gen_statem:cast(M, go),
    timer:sleep(1200),
    t("state ~p", [gen_statem:call(M, state)]),
    gen_statem:stop(M).
