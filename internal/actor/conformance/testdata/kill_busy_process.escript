#!/usr/bin/env escript
%% exit(Pid, kill) stops a process in the middle of a computation.
-module(kill_busy_process).
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
    Main = self(),
    {P, _} = spawn_monitor(fun() -> Main ! busy, spin(erlang:monotonic_time(millisecond) + 200), Main ! still_running end),
    receive busy -> ok end,
    exit(P, kill),
    t("down ~p", [down(P)]),
    receive still_running -> t("still running after kill", []) after 400 -> ok end.
spin(Until) ->
    case erlang:monotonic_time(millisecond) < Until of true -> spin(Until); false -> ok end.
