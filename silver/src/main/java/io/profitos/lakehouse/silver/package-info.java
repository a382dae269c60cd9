/** The silver layer. Built in a later issue; the module exists so the build and CLI are ready for it. */
package io.profitos.lakehouse.silver;
