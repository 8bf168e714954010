#!/usr/bin/env escript
%% gen_statem: an event postponed in one state is handled again after the next state change.
-module(statem_postpone).
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
a(_, _, D) -> {keep_state, D}.
b(_, _, D) -> {keep_state, D}.
c(_, _, D) -> {keep_state, D}.
init(Main) -> {ok, locked, Main}.
locked({call, _}, open, Main) -> Main ! postponed, {keep_state, Main, [postpone]};
locked(cast, unlock, Main) -> t("unlocked", []), {next_state, open, Main}.
open({call, From}, open, Main) -> {keep_state, Main, [{reply, From, opened}]}.
main(_) ->
    quiet(),
    Main = self(),
    {ok, M} = gen_statem:start(?MODULE, Main, []),
    spawn(fun() -> Main ! {reply, gen_statem:call(M, open)} end),
    receive postponed -> t("postponed", []) end,
    gen_statem:cast(M, unlock),
    receive {reply, R} -> t("reply ~p", [R]) end,
    gen_statem:stop(M).
