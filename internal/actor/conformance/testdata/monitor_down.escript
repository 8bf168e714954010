#!/usr/bin/env escript
%% A monitor delivers DOWN with the exit reason: normal, or the reason given to exit/1.
-module(monitor_down).
-mode(compile).
-export([main/1]).
-compile([nowarn_unused_function]).

%% Canonical trace helpers (the same in every scenario).
t(F, A) -> io:format(F ++ "~n", A).
r({'EXIT', R}) -> r(R);
r(R) when is_atom(R) -> R;
r(R) when is_tuple(R), tuple_size(R) > 0 -> r(element(1, R));
r(_) -> other.
quiet() -> logger:set_primary_config(level, none).
down(Pid) ->
    receive {'DOWN', _, process, Pid, R} -> r(R) after 5000 -> no_down end.
main(_) ->
    quiet(),
    {P1, _} = spawn_monitor(fun() -> ok end),
    t("down ~p", [down(P1)]),
    {P2, _} = spawn_monitor(fun() -> exit(boom) end),
    t("down ~p", [down(P2)]).
