# The layers of the code, checked when the build is configured.
#
# Every kiosk_* library belongs to one layer. A library links libraries of
# its own layer and of the layers listed as its layer's uses, nothing above:
#
#   core          errors, crypto, TLS, HTTP, config, storage, typesetting
#   firmware      dossier, catalog, link, digitize, board support
#   drivers       the peripherals: idcard, mrz, qr, scanner, printer, payment, camera
#   sim           the peripherals' simulators and fakes (never in a release program)
#   config        the programs' configs as types, read by each program and
#                 written by kiosk-provision through the same schema
#   agent         kiosk-agent's library: firmware only, no driver, no UI
#   app           kiosk-app's libraries: journey, screens, input, voice; never the agent
#   gateway       the province side
#   provisioning  the technician's tool
#
# A new library must be given its layer here, or configuration stops. Release
# programs (installed) never link a simulator unless KIOSK_WITH_SIMULATORS is
# on (development builds; the package preset turns it off).

set(KIOSK_LAYER_core kiosk_core kiosk_storage kiosk_typeset kiosk_i18n)
set(KIOSK_LAYER_firmware kiosk_catalog kiosk_dossier kiosk_link kiosk_digitize kiosk_board)
set(KIOSK_LAYER_drivers kiosk_idcard kiosk_mrz kiosk_qr kiosk_scanner kiosk_printer kiosk_payment
                        kiosk_camera)
set(KIOSK_LAYER_sim kiosk_idcard_sim kiosk_scanner_sim kiosk_printer_sim kiosk_payment_sim
                    kiosk_idcard_fake kiosk_scanner_fake kiosk_printer_fake kiosk_payment_fake
                    kiosk_camera_sim kiosk_camera_fake)
set(KIOSK_LAYER_config kiosk_app_config kiosk_agent_config)
set(KIOSK_LAYER_agent kiosk_agent)
set(KIOSK_LAYER_app kiosk_input kiosk_journey kiosk_voice kiosk_ui kiosk_imgui kiosk_app)
set(KIOSK_LAYER_gateway kiosk_gateway kiosk_gateway_config)
set(KIOSK_LAYER_provisioning kiosk_provisioning)

set(KIOSK_LAYERS core firmware drivers sim config agent app gateway provisioning)
set(KIOSK_USES_core core)
set(KIOSK_USES_firmware core firmware)
set(KIOSK_USES_drivers core firmware drivers)
set(KIOSK_USES_sim core firmware drivers sim)
set(KIOSK_USES_config core firmware)
set(KIOSK_USES_agent core firmware config agent)
set(KIOSK_USES_app core firmware drivers config app)
set(KIOSK_USES_gateway core firmware gateway)
set(KIOSK_USES_provisioning core firmware drivers config provisioning)

# The layer of `target` into `out` ("" when it is not one of ours).
function(kiosk_layer_of target out)
  set(found "")
  foreach(layer IN LISTS KIOSK_LAYERS)
    if(target IN_LIST KIOSK_LAYER_${layer})
      set(found ${layer})
    endif()
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

# The kiosk_* libraries `target` links directly (aliases resolved).
function(kiosk_linked_libraries target out)
  set(result "")
  foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
    get_target_property(libs ${target} ${property})
    if(NOT libs)
      continue()
    endif()
    foreach(lib IN LISTS libs)
      if(NOT TARGET "${lib}")
        continue()
      endif()
      get_target_property(real "${lib}" ALIASED_TARGET)
      if(NOT real)
        set(real "${lib}")
      endif()
      if(real MATCHES "^kiosk_")
        list(APPEND result ${real})
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES result)
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# Every kiosk_* library reachable from `target`, itself excluded.
function(kiosk_reachable_libraries target out)
  set(seen "")
  set(queue ${target})
  while(queue)
    list(POP_FRONT queue current)
    kiosk_linked_libraries(${current} direct)
    foreach(lib IN LISTS direct)
      if(NOT lib IN_LIST seen)
        list(APPEND seen ${lib})
        list(APPEND queue ${lib})
      endif()
    endforeach()
  endwhile()
  set(${out} "${seen}" PARENT_SCOPE)
endfunction()

# Installs a program into its package and records it as a release program.
function(kiosk_install_program target component)
  install(TARGETS ${target} RUNTIME DESTINATION bin COMPONENT ${component})
  set_property(GLOBAL APPEND PROPERTY KIOSK_RELEASE_PROGRAMS ${target})
endfunction()

# Checks every kiosk_* library defined under the source tree and every
# release program; stops configuration with the list of what is wrong.
function(kiosk_check_layers)
  kiosk_targets_under(${CMAKE_SOURCE_DIR} ARG_LIBRARIES unused)
  get_property(ARG_PROGRAMS GLOBAL PROPERTY KIOSK_RELEASE_PROGRAMS)
  set(problems "")
  foreach(library IN LISTS ARG_LIBRARIES)
    kiosk_layer_of(${library} layer)
    if(layer STREQUAL "")
      list(APPEND problems "${library} has no layer: give it one in cmake/KioskLayers.cmake")
      continue()
    endif()
    kiosk_linked_libraries(${library} direct)
    foreach(lib IN LISTS direct)
      kiosk_layer_of(${lib} lib_layer)
      if(lib_layer STREQUAL "")
        list(APPEND problems "${lib} has no layer: give it one in cmake/KioskLayers.cmake")
      elseif(NOT lib_layer IN_LIST KIOSK_USES_${layer})
        list(APPEND problems "${library} (${layer}) links ${lib} (${lib_layer}): not allowed")
      endif()
    endforeach()
  endforeach()
  if(NOT KIOSK_WITH_SIMULATORS)
    foreach(program IN LISTS ARG_PROGRAMS)
      kiosk_reachable_libraries(${program} reachable)
      foreach(lib IN LISTS reachable)
        if(lib IN_LIST KIOSK_LAYER_sim)
          list(APPEND problems "release program ${program} links the simulator ${lib}")
        endif()
      endforeach()
    endforeach()
  endif()
  if(problems)
    list(JOIN problems "\n  " text)
    message(FATAL_ERROR "Layer rules broken:\n  ${text}")
  endif()
endfunction()

# Every kiosk_* library and installed program defined under `dir`, recursively.
function(kiosk_targets_under dir libraries_out programs_out)
  set(libraries "")
  set(programs "")
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    kiosk_targets_under(${sub} sub_libraries sub_programs)
    list(APPEND libraries ${sub_libraries})
    list(APPEND programs ${sub_programs})
  endforeach()
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(type ${target} TYPE)
    if(target MATCHES "^kiosk_" AND type MATCHES "LIBRARY")
      list(APPEND libraries ${target})
    elseif(type STREQUAL "EXECUTABLE")
      list(APPEND programs ${target})
    endif()
  endforeach()
  set(${libraries_out} "${libraries}" PARENT_SCOPE)
  set(${programs_out} "${programs}" PARENT_SCOPE)
endfunction()
