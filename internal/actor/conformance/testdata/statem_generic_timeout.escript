#!/usr/bin/env escript
%% gen_statem: a named generic timeout survives a state change and fires in the new state.
-module(statem_generic_timeout).
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
c(_, _, D) -> {keep_state, D}.
locked(_, _, D) -> {keep_state, D}.
open(_, _, D) -> {keep_state, D}.

init(Main) -> {ok, a, Main, [{{timeout, tick}, 1000, t1}]}.
a(cast, go, Main) -> t("cast go in a", []), {next_state, b, Main}.
b({timeout, Name}, Msg, Main) -> t("generic timeout ~p ~p in b", [Name, Msg]), Main ! fired, {keep_state, Main}.
main(_) ->
    quiet(),
    {ok, M} = gen_statem:start(?MODULE, self(), []),
    gen_statem:cast(M, go),
    receive fired -> ok end,
    gen_statem:stop(M).
